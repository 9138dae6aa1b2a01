/**
 * Design tokens. Colours are chosen for WCAG AA contrast on their backgrounds (text ≥ 4.5:1,
 * large text and UI parts ≥ 3:1); change them only with a contrast check.
 */
import { createGlobalTheme } from "@vanilla-extract/css";

export const vars = createGlobalTheme(":root", {
  color: {
    page: "#f5f6f8",
    surface: "#ffffff",
    surfaceMuted: "#eef0f3",
    border: "#d5d9e0",
    text: "#1b1f27",
    textMuted: "#4a5261",
    primary: "#1f5fbf",
    primaryHover: "#184c99",
    primaryText: "#ffffff",
    /** Inputs' borders: 7.9:1 on surface (UI parts need 3:1). */
    borderStrong: "#4a5261",
    /** The focus ring is two rings: focus (bright, for dark backgrounds) around focusInner (dark, for light ones). */
    focus: "#f2b705",
    focusInner: "#14213d",
    danger: "#b42318",
    dangerHover: "#8f1c13",
    dangerSurface: "#fdecea",
    success: "#14652c",
    successSurface: "#e7f5ec",
    warning: "#6b4a00",
    warningSurface: "#fff4d6",
    info: "#1a4c99",
    infoSurface: "#e3edfb",
    accent: "#5b2a86",
    accentSurface: "#f3e8fd",
    headerBg: "#14213d",
    headerText: "#ffffff",
  },
  font: {
    body: 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
    mono: 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace',
  },
  fontSize: { small: "0.875rem", body: "1rem", large: "1.25rem", title: "1.75rem" },
  space: { xs: "0.25rem", sm: "0.5rem", md: "1rem", lg: "1.5rem", xl: "2.5rem" },
  radius: { sm: "4px", md: "8px", pill: "999px" },
  /** Content widths: forms, and the page. */
  width: { form: "36rem", page: "72rem" },
  shadow: { card: "0 1px 2px rgba(16, 24, 40, 0.06), 0 1px 3px rgba(16, 24, 40, 0.1)" },
});
