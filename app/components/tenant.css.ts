import { style, styleVariants } from "@vanilla-extract/css";
import { vars } from "../styles/theme.css";

/** A title with its badges beside it. */
export const inline = style({ display: "flex", gap: vars.space.sm, flexWrap: "wrap", alignItems: "center" });

/** A log box: light text on a dark background (≥ 7:1), scrolling inside itself. */
export const log = style({
  fontFamily: vars.font.mono,
  fontSize: vars.fontSize.small,
  background: "#10151f",
  color: "#e8edf5",
  borderRadius: vars.radius.md,
  padding: vars.space.md,
  maxHeight: "28rem",
  overflowY: "auto",
  overflowWrap: "anywhere",
  listStyle: "none",
  margin: 0,
});
export const logLevel = styleVariants({ INFO: { color: "#9fb3c8" }, WARN: { color: "#ffd166" }, ERROR: { color: "#ff8a80" } });

/** One line of a log block: kept as written (indentation), broken anywhere rather than widening the page. */
export const logLine = style({ whiteSpace: "pre-wrap", overflowWrap: "anywhere" });
export const logTime = style({ color: "#9fb3c8" });
export const logStderr = style({ color: "#ffb4a9" });
export const logTitle = style({ display: "flex", flexWrap: "wrap", alignItems: "baseline", gap: `0 ${vars.space.sm}` });
