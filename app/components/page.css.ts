import { style } from "@vanilla-extract/css";
import { vars } from "../styles/theme.css";

export const narrow = style({ maxWidth: "28rem", margin: "0 auto", padding: `${vars.space.xl} ${vars.space.md}` });

export const muted = style({ color: vars.color.textMuted, fontSize: vars.fontSize.small });

export const title = style({ fontSize: vars.fontSize.title, margin: `0 0 ${vars.space.md}` });

export const header = style({
  background: vars.color.headerBg,
  color: vars.color.headerText,
  padding: `${vars.space.sm} ${vars.space.lg}`,
  display: "flex",
  alignItems: "center",
  gap: vars.space.lg,
  flexWrap: "wrap",
});

export const brand = style({ fontWeight: 700, color: vars.color.headerText, textDecoration: "none" });

export const nav = style({ display: "flex", gap: vars.space.md, flex: 1 });

export const navLink = style({
  color: vars.color.headerText,
  textDecoration: "none",
  padding: `${vars.space.xs} ${vars.space.sm}`,
  borderRadius: vars.radius.sm,
  selectors: { '&[aria-current="page"]': { background: "rgba(255,255,255,0.16)" } },
});

export const userBox = style({ display: "flex", alignItems: "center", gap: vars.space.sm });

export const main = style({ maxWidth: "64rem", margin: "0 auto", padding: vars.space.lg });

export const grid = style({
  display: "grid",
  gap: vars.space.lg,
  gridTemplateColumns: "repeat(auto-fit, minmax(18rem, 1fr))",
});

export const facts = style({ display: "grid", gridTemplateColumns: "max-content 1fr", gap: `${vars.space.xs} ${vars.space.md}`, margin: 0 });
