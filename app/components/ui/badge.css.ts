import { style, styleVariants } from "@vanilla-extract/css";
import { vars } from "../../styles/theme.css";

const base = style({
  display: "inline-block",
  padding: `0 ${vars.space.sm}`,
  borderRadius: vars.radius.pill,
  fontWeight: 700,
  fontSize: vars.fontSize.small,
  lineHeight: 1.6,
  whiteSpace: "nowrap",
});

// Each pair has at least 4.5:1 contrast (see theme.css.ts).
export const tone = styleVariants({
  neutral: [base, { background: vars.color.surfaceMuted, color: "#333b48" }],
  info: [base, { background: vars.color.infoSurface, color: vars.color.info }],
  success: [base, { background: vars.color.successSurface, color: vars.color.success }],
  warning: [base, { background: vars.color.warningSurface, color: vars.color.warning }],
  danger: [base, { background: vars.color.dangerSurface, color: vars.color.danger }],
  accent: [base, { background: vars.color.accentSurface, color: vars.color.accent }],
});
