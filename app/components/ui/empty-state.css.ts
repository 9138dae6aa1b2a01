import { style } from "@vanilla-extract/css";
import { vars } from "../../styles/theme.css";

export const box = style({
  textAlign: "center",
  padding: `${vars.space.xl} ${vars.space.lg}`,
  background: vars.color.surface,
  border: `1px dashed ${vars.color.borderStrong}`,
  borderRadius: vars.radius.md,
  marginBottom: vars.space.md,
});

export const title = style({ fontSize: vars.fontSize.large, margin: `0 0 ${vars.space.sm}` });

export const text = style({ color: vars.color.textMuted, margin: `0 auto ${vars.space.md}`, maxWidth: "32rem" });
