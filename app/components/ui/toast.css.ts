import { style } from "@vanilla-extract/css";
import { vars } from "../../styles/theme.css";

export const toast = style({
  display: "flex",
  alignItems: "center",
  gap: vars.space.md,
  background: vars.color.successSurface,
  color: vars.color.text,
  border: `1px solid ${vars.color.success}`,
  borderLeftWidth: "4px",
  borderRadius: vars.radius.sm,
  padding: `${vars.space.sm} ${vars.space.md}`,
  marginBottom: vars.space.md,
  boxShadow: vars.shadow.card,
});

export const icon = style({ color: vars.color.success, fontWeight: 700 });

export const message = style({ margin: 0, flex: 1 });

export const dismiss = style({ fontSize: vars.fontSize.small, color: vars.color.text, whiteSpace: "nowrap" });
