import { globalStyle, style } from "@vanilla-extract/css";
import { vars } from "../styles/theme.css";

export const narrow = style({ maxWidth: "28rem", margin: "0 auto", padding: `${vars.space.xl} ${vars.space.md}` });

export const muted = style({ color: vars.color.textMuted, fontSize: vars.fontSize.small });

export const title = style({ fontSize: vars.fontSize.title, margin: `0 0 ${vars.space.md}` });

export const header = style({
  background: vars.color.headerBg,
  color: vars.color.headerText,
  padding: `${vars.space.sm} ${vars.space.lg}`,
  "@media": { "screen and (max-width: 40rem)": { padding: `${vars.space.sm} ${vars.space.md}`, gap: vars.space.sm } },
  display: "flex",
  alignItems: "center",
  gap: vars.space.lg,
  flexWrap: "wrap",
});

export const brand = style({ fontWeight: 700, color: vars.color.headerText, textDecoration: "none" });

export const nav = style({ display: "flex", flexWrap: "wrap", gap: `${vars.space.xs} ${vars.space.sm}`, flex: "1 1 auto" });

export const navLink = style({
  color: vars.color.headerText,
  textDecoration: "none",
  padding: `${vars.space.xs} ${vars.space.sm}`,
  borderRadius: vars.radius.sm,
  selectors: { '&[aria-current="page"]': { background: "rgba(255,255,255,0.16)" } },
});

export const userBox = style({ display: "flex", alignItems: "center", gap: vars.space.sm, flexWrap: "wrap", minWidth: 0 });

export const userEmail = style({ overflowWrap: "anywhere" });

export const main = style({
  maxWidth: vars.width.page,
  margin: "0 auto",
  padding: vars.space.lg,
  "@media": { "screen and (max-width: 40rem)": { padding: vars.space.md } },
});

/** A page's heading with its main action beside it. */
export const titleRow = style({
  display: "flex",
  flexWrap: "wrap",
  alignItems: "center",
  justifyContent: "space-between",
  gap: vars.space.md,
  marginBottom: vars.space.md,
});
globalStyle(`${titleRow} > h1, ${titleRow} > h2`, { margin: 0 });

export const lead = style({ color: vars.color.textMuted, margin: `0 0 ${vars.space.lg}`, maxWidth: "48rem" });

/** A page section's heading. */
export const sectionTitle = style({ fontSize: vars.fontSize.large, margin: `0 0 ${vars.space.md}` });

export const section = style({ marginBottom: vars.space.xl });

export const formWidth = style({ maxWidth: vars.width.form });

/** A search/filter bar above a list. */
export const toolbar = style({
  display: "flex",
  flexWrap: "wrap",
  gap: `0 ${vars.space.md}`,
  alignItems: "flex-end",
  marginBottom: vars.space.sm,
});
globalStyle(`${toolbar} > *`, { flex: "1 1 12rem" });
globalStyle(`${toolbar} > [data-shrink]`, { flex: "0 0 auto", marginBottom: vars.space.md });

export const pager = style({ display: "flex", gap: vars.space.md, flexWrap: "wrap", alignItems: "center", margin: `${vars.space.sm} 0 ${vars.space.lg}` });

export const grid = style({
  display: "grid",
  gap: vars.space.lg,
  gridTemplateColumns: "repeat(auto-fit, minmax(18rem, 1fr))",
});

export const facts = style({ display: "grid", gridTemplateColumns: "max-content minmax(0, 1fr)", gap: `${vars.space.xs} ${vars.space.md}`, margin: 0 });
globalStyle(`${facts} > dd`, { margin: 0, overflowWrap: "anywhere" });

export const nowrapText = style({ whiteSpace: "nowrap" });

/** Ids and token prefixes in tables: small monospace, broken anywhere rather than widening the column. */
export const mono = style({ fontFamily: vars.font.mono, fontSize: "0.8125rem", color: vars.color.textMuted, wordBreak: "break-all" });

/** A long id cut to fit its column (the full id is in its title and elsewhere on the page). */
export const shortId = style([mono, { wordBreak: "normal", whiteSpace: "nowrap", overflow: "hidden", textOverflow: "ellipsis", maxWidth: "8rem" }]);
