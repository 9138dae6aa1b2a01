import { style, styleVariants } from "@vanilla-extract/css";
import { vars } from "../../styles/theme.css";

const base = style({
  display: "inline-flex",
  alignItems: "center",
  justifyContent: "center",
  gap: vars.space.xs,
  font: "inherit",
  fontWeight: 600,
  lineHeight: 1.25,
  minHeight: "2.5rem",
  padding: `${vars.space.sm} ${vars.space.lg}`,
  borderRadius: vars.radius.sm,
  border: "1px solid transparent",
  cursor: "pointer",
  textDecoration: "none",
  whiteSpace: "nowrap",
  selectors: { "&:disabled, &[aria-disabled='true']": { opacity: 0.7, cursor: "not-allowed" } },
});

// Text and background pairs keep at least 4.5:1; outlines of quiet buttons at least 3:1.
export const variant = styleVariants({
  primary: [
    base,
    {
      background: vars.color.primary,
      color: vars.color.primaryText,
      selectors: { "&:hover:not(:disabled)": { background: vars.color.primaryHover } },
    },
  ],
  secondary: [
    base,
    {
      background: vars.color.surface,
      color: vars.color.primary,
      borderColor: vars.color.primary,
      selectors: { "&:hover:not(:disabled)": { background: vars.color.infoSurface } },
    },
  ],
  quiet: [
    base,
    {
      background: "transparent",
      color: "inherit",
      borderColor: "currentColor",
    },
  ],
  danger: [
    base,
    {
      background: vars.color.danger,
      color: "#ffffff",
      selectors: { "&:hover:not(:disabled)": { background: vars.color.dangerHover } },
    },
  ],
});

export const size = styleVariants({
  normal: {},
  small: { minHeight: "2rem", padding: `${vars.space.xs} ${vars.space.md}`, fontSize: vars.fontSize.small },
});

/** Buttons side by side, wrapping on narrow screens. */
export const row = style({ display: "flex", flexWrap: "wrap", gap: vars.space.sm, alignItems: "center" });
