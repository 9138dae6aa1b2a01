import { globalStyle } from "@vanilla-extract/css";
import { vars } from "./theme.css";

globalStyle("*, *::before, *::after", { boxSizing: "border-box" });

globalStyle("html, body", {
  margin: 0,
  padding: 0,
  background: vars.color.page,
  color: vars.color.text,
  fontFamily: vars.font.body,
  fontSize: vars.fontSize.body,
  lineHeight: 1.5,
});

globalStyle("a", { color: vars.color.primary });

// One visible focus style for everything focusable, keyboard users first. Two rings: the dark
// inner one stands out on light backgrounds, the bright outer one on the dark header (each ≥ 3:1).
globalStyle(":focus-visible", {
  outline: `3px solid ${vars.color.focus}`,
  outlineOffset: "2px",
  boxShadow: `0 0 0 2px ${vars.color.focusInner}`,
});

// Content only for screen readers (e.g. a table caption the heading already shows).
globalStyle(".visually-hidden", {
  position: "absolute",
  width: "1px",
  height: "1px",
  padding: 0,
  margin: "-1px",
  overflow: "hidden",
  clip: "rect(0, 0, 0, 0)",
  whiteSpace: "nowrap",
  border: 0,
});

globalStyle("h1, h2, h3", { lineHeight: 1.25 });

globalStyle("code", { fontFamily: vars.font.mono, fontSize: "0.95em" });

// The skip link stays off screen until it receives keyboard focus.
globalStyle(".skip-link", {
  position: "absolute",
  left: "-999px",
  top: vars.space.sm,
  background: vars.color.surface,
  color: vars.color.text,
  padding: vars.space.sm,
  zIndex: 10,
});
globalStyle(".skip-link:focus", { left: vars.space.sm });
