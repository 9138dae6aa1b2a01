import { style, styleVariants } from "@vanilla-extract/css";
import { vars } from "../styles/theme.css";

export const card = style({
  background: vars.color.surface,
  border: `1px solid ${vars.color.border}`,
  borderRadius: vars.radius.md,
  boxShadow: vars.shadow.card,
  padding: vars.space.lg,
});

export const field = style({ display: "flex", flexDirection: "column", gap: vars.space.xs, marginBottom: vars.space.md });

export const label = style({ fontWeight: 600, fontSize: vars.fontSize.small });

export const input = style({
  font: "inherit",
  padding: `${vars.space.sm} ${vars.space.md}`,
  border: `1px solid ${vars.color.textMuted}`,
  borderRadius: vars.radius.sm,
  background: vars.color.surface,
  color: vars.color.text,
  selectors: {
    '&[aria-invalid="true"]': { borderColor: vars.color.danger, borderWidth: "2px" },
  },
});

export const fieldError = style({ color: vars.color.danger, fontSize: vars.fontSize.small, margin: 0 });

const buttonBase = style({
  font: "inherit",
  fontWeight: 600,
  padding: `${vars.space.sm} ${vars.space.lg}`,
  borderRadius: vars.radius.sm,
  border: "1px solid transparent",
  cursor: "pointer",
  selectors: { "&:disabled": { opacity: 0.7, cursor: "progress" } },
});

export const button = styleVariants({
  primary: [
    buttonBase,
    {
      background: vars.color.primary,
      color: vars.color.primaryText,
      selectors: { "&:hover:not(:disabled)": { background: vars.color.primaryHover } },
    },
  ],
  quiet: [
    buttonBase,
    {
      background: "transparent",
      color: "inherit",
      borderColor: "currentColor",
    },
  ],
});

export const alert = styleVariants({
  error: {
    background: vars.color.dangerSurface,
    color: vars.color.danger,
    border: `1px solid ${vars.color.danger}`,
    borderRadius: vars.radius.sm,
    padding: vars.space.md,
    marginBottom: vars.space.md,
  },
});

export const badge = styleVariants({
  ADMIN: {
    display: "inline-block",
    padding: `0 ${vars.space.sm}`,
    borderRadius: vars.radius.pill,
    fontSize: vars.fontSize.small,
    fontWeight: 700,
    background: "#fff4d6",
    color: "#6b4a00",
  },
  CLIENT: {
    display: "inline-block",
    padding: `0 ${vars.space.sm}`,
    borderRadius: vars.radius.pill,
    fontSize: vars.fontSize.small,
    fontWeight: 700,
    background: vars.color.successSurface,
    color: vars.color.success,
  },
});
