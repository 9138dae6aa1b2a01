import { globalStyle, style } from "@vanilla-extract/css";
import { vars } from "../../styles/theme.css";

/** Wide tables scroll sideways inside their box on phones instead of widening the page. */
export const scroller = style({
  overflowX: "auto",
  // Also the containing block of absolutely positioned content (e.g. visually hidden text), which
  // would otherwise widen the page from inside the scrolled table.
  position: "relative",
  background: vars.color.surface,
  border: `1px solid ${vars.color.border}`,
  borderRadius: vars.radius.md,
  marginBottom: vars.space.md,
});

export const table = style({ width: "100%", borderCollapse: "collapse", fontSize: vars.fontSize.small });
globalStyle(`${table} th:first-child, ${table} td:first-child`, { paddingLeft: vars.space.md });
globalStyle(`${table} th:last-child, ${table} td:last-child`, { paddingRight: vars.space.md });

export const caption = style({ textAlign: "left", padding: `${vars.space.sm} ${vars.space.md}`, fontWeight: 600 });

/** Cells are tight enough for audit-sized tables to fit the page; the first and last keep room from the box's edge. */
const cellPadding = `${vars.space.sm} 0.625rem`;

export const th = style({
  textAlign: "left",
  padding: cellPadding,
  borderBottom: `2px solid ${vars.color.border}`,
  background: vars.color.surfaceMuted,
  whiteSpace: "nowrap",
  fontWeight: 700,
});

export const td = style({
  textAlign: "left",
  padding: cellPadding,
  borderBottom: `1px solid ${vars.color.border}`,
  verticalAlign: "top",
  selectors: { "tr:last-child > &": { borderBottom: "none" } },
});

export const nowrap = style({ whiteSpace: "nowrap" });

export const mono = style({ fontFamily: vars.font.mono, fontSize: "0.8125rem", wordBreak: "break-all" });
