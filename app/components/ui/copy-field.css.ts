import { style } from "@vanilla-extract/css";
import { vars } from "../../styles/theme.css";

export const row = style({ display: "flex", gap: vars.space.sm, alignItems: "stretch", flexWrap: "wrap" });

export const value = style({
  font: "inherit",
  fontFamily: vars.font.mono,
  fontSize: vars.fontSize.small,
  flex: "1 1 16rem",
  minWidth: 0,
  minHeight: "2.5rem",
  padding: `${vars.space.sm} ${vars.space.md}`,
  border: `1px solid ${vars.color.borderStrong}`,
  borderRadius: vars.radius.sm,
  background: vars.color.surfaceMuted,
  color: vars.color.text,
});

export const status = style({ fontSize: vars.fontSize.small, color: vars.color.success, fontWeight: 600, margin: 0, minHeight: "1.3em" });
