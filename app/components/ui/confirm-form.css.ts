import { style } from "@vanilla-extract/css";
import { vars } from "../../styles/theme.css";

export const box = style({
  border: `1px solid ${vars.color.danger}`,
  borderRadius: vars.radius.sm,
  background: vars.color.surface,
  padding: vars.space.md,
  marginTop: vars.space.sm,
});

export const description = style({ margin: `0 0 ${vars.space.sm}`, fontSize: vars.fontSize.small });

export const phrase = style({ fontFamily: vars.font.mono, fontWeight: 700, wordBreak: "break-all" });
