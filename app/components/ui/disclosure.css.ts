import { style } from "@vanilla-extract/css";
import { vars } from "../../styles/theme.css";

export const details = style({ minWidth: "10rem" });

export const summary = style({
  cursor: "pointer",
  color: vars.color.primary,
  fontWeight: 600,
  padding: `${vars.space.xs} 0`,
  width: "fit-content",
  selectors: { "&:hover": { textDecoration: "underline" } },
});

export const body = style({ paddingTop: vars.space.sm, display: "flex", flexDirection: "column", gap: vars.space.sm });

export const pre = style({
  fontFamily: vars.font.mono,
  fontSize: "0.8125rem",
  background: vars.color.surfaceMuted,
  border: `1px solid ${vars.color.border}`,
  borderRadius: vars.radius.sm,
  padding: vars.space.sm,
  margin: 0,
  maxWidth: "36rem",
  maxHeight: "20rem",
  overflow: "auto",
  whiteSpace: "pre-wrap",
  wordBreak: "break-word",
});
