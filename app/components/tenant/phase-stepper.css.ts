import { style, styleVariants } from "@vanilla-extract/css";
import { vars } from "../../styles/theme.css";

export const summary = style({ margin: `0 0 ${vars.space.sm}` });

/** Eight steps: one row on wide screens, wrapping to fewer columns (two on a phone). */
export const list = style({
  listStyle: "none",
  margin: 0,
  padding: 0,
  display: "grid",
  gap: vars.space.sm,
  gridTemplateColumns: "repeat(auto-fill, minmax(7rem, 1fr))",
});

/** The step's name above its state (marker and word), so the name gets the cell's whole width. */
const stepBase = style({
  display: "flex",
  flexDirection: "column",
  gap: vars.space.xs,
  padding: vars.space.sm,
  borderRadius: vars.radius.sm,
  border: `1px solid ${vars.color.border}`,
  background: vars.color.surface,
  color: vars.color.text,
  minWidth: 0,
});

// Text stays vars.color.text on each light surface (≥ 4.5:1); borders and markers ≥ 3:1.
export const step = styleVariants({
  done: [stepBase, { background: vars.color.successSurface, borderColor: vars.color.success }],
  current: [stepBase, { background: vars.color.infoSurface, borderColor: vars.color.info, borderWidth: "2px" }],
  failed: [stepBase, { background: vars.color.dangerSurface, borderColor: vars.color.danger, borderWidth: "2px" }],
  upcoming: [stepBase, { borderStyle: "dashed", borderColor: vars.color.borderStrong }],
});

const markerBase = style({
  flex: "0 0 auto",
  display: "inline-flex",
  alignItems: "center",
  justifyContent: "center",
  width: "1.25rem",
  height: "1.25rem",
  borderRadius: vars.radius.pill,
  fontSize: "0.75rem",
  fontWeight: 700,
  lineHeight: 1,
});

export const marker = styleVariants({
  done: [markerBase, { background: vars.color.success, color: "#ffffff" }],
  current: [markerBase, { background: vars.color.info, color: "#ffffff" }],
  failed: [markerBase, { background: vars.color.danger, color: "#ffffff" }],
  upcoming: [markerBase, { background: vars.color.surfaceMuted, color: vars.color.textMuted, border: `1px solid ${vars.color.borderStrong}` }],
});

export const label = style({ fontWeight: 700, fontSize: vars.fontSize.small, overflowWrap: "anywhere" });

export const stateRow = style({ display: "flex", alignItems: "center", gap: vars.space.xs });

export const state = style({ fontSize: "0.8125rem", color: vars.color.textMuted });
