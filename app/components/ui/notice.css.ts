import { globalStyle, style, styleVariants } from "@vanilla-extract/css";
import { vars } from "../../styles/theme.css";

const base = style({
  borderRadius: vars.radius.sm,
  borderLeftWidth: "4px",
  borderLeftStyle: "solid",
  padding: `${vars.space.sm} ${vars.space.md}`,
  marginBottom: vars.space.md,
  color: vars.color.text,
});

export const tone = styleVariants({
  error: [base, { background: vars.color.dangerSurface, borderColor: vars.color.danger }],
  warning: [base, { background: vars.color.warningSurface, borderColor: vars.color.warning }],
  success: [base, { background: vars.color.successSurface, borderColor: vars.color.success }],
  info: [base, { background: vars.color.infoSurface, borderColor: vars.color.info }],
});

export const title = style({ fontWeight: 700, margin: `0 0 ${vars.space.xs}`, fontSize: vars.fontSize.body });

export const body = style({});
globalStyle(`${body} > p`, { margin: `0 0 ${vars.space.sm}` });
globalStyle(`${body} > p:last-child`, { marginBottom: 0 });
