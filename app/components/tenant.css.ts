import { style, styleVariants } from "@vanilla-extract/css";
import { vars } from "../styles/theme.css";

export const table = style({ width: "100%", borderCollapse: "collapse", background: vars.color.surface, fontSize: vars.fontSize.small });
export const cell = style({ textAlign: "left", padding: `${vars.space.sm} ${vars.space.md}`, borderBottom: `1px solid ${vars.color.border}`, verticalAlign: "top" });
export const toolbar = style({ display: "flex", gap: vars.space.md, alignItems: "end", flexWrap: "wrap", marginBottom: vars.space.md });
export const inline = style({ display: "flex", gap: vars.space.sm, flexWrap: "wrap", alignItems: "center" });

const pill = { display: "inline-block", padding: `0 ${vars.space.sm}`, borderRadius: vars.radius.pill, fontWeight: 700, fontSize: vars.fontSize.small } as const;
// Text and background pairs keep at least 4.5:1 contrast.
export const status = styleVariants({
  PENDING: { ...pill, background: "#eef0f3", color: "#333b48" },
  PROVISIONING: { ...pill, background: "#e3edfb", color: "#1a4c99" },
  ACTIVE: { ...pill, background: "#e7f5ec", color: "#14652c" },
  ERROR: { ...pill, background: "#fdecea", color: "#a01f14" },
  SUSPENDED: { ...pill, background: "#fff4d6", color: "#6b4a00" },
  DELETING: { ...pill, background: "#f3e8fd", color: "#5b2a86" },
  DELETED: { ...pill, background: "#eef0f3", color: "#4a5261" },
});

export const level = styleVariants({
  INFO: { color: vars.color.textMuted },
  WARN: { color: "#7a4f00", fontWeight: 600 },
  ERROR: { color: vars.color.danger, fontWeight: 700 },
});

export const log = style({
  fontFamily: vars.font.mono,
  fontSize: vars.fontSize.small,
  background: "#10151f",
  color: "#e8edf5",
  borderRadius: vars.radius.md,
  padding: vars.space.md,
  maxHeight: "28rem",
  overflowY: "auto",
  listStyle: "none",
  margin: 0,
});
export const logLevel = styleVariants({ INFO: { color: "#9fb3c8" }, WARN: { color: "#ffd166" }, ERROR: { color: "#ff8a80" } });
export const select = style({ font: "inherit", padding: vars.space.sm, border: `1px solid ${vars.color.textMuted}`, borderRadius: vars.radius.sm, background: vars.color.surface });
