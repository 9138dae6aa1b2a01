import { style } from "@vanilla-extract/css";
import { vars } from "../../styles/theme.css";

export const field = style({ display: "flex", flexDirection: "column", gap: vars.space.xs, marginBottom: vars.space.md, minWidth: 0 });

export const label = style({ fontWeight: 600, fontSize: vars.fontSize.small });

export const hint = style({ color: vars.color.textMuted, fontSize: vars.fontSize.small, margin: 0 });

export const input = style({
  font: "inherit",
  width: "100%",
  minHeight: "2.5rem",
  padding: `${vars.space.sm} ${vars.space.md}`,
  border: `1px solid ${vars.color.borderStrong}`,
  borderRadius: vars.radius.sm,
  background: vars.color.surface,
  color: vars.color.text,
  selectors: {
    '&[aria-invalid="true"]': { borderColor: vars.color.danger, borderWidth: "2px" },
    "&[readonly]": { background: vars.color.surfaceMuted },
  },
});

export const error = style({ color: vars.color.danger, fontSize: vars.fontSize.small, margin: 0, fontWeight: 600 });

export const fieldset = style({
  border: `1px solid ${vars.color.border}`,
  borderRadius: vars.radius.sm,
  padding: `${vars.space.sm} ${vars.space.md} ${vars.space.md}`,
  margin: `0 0 ${vars.space.md}`,
  minWidth: 0,
  selectors: { '&[aria-invalid="true"]': { borderColor: vars.color.danger, borderWidth: "2px" } },
});

export const legend = style({ fontWeight: 600, fontSize: vars.fontSize.small, padding: `0 ${vars.space.xs}` });

export const check = style({ display: "flex", gap: vars.space.sm, alignItems: "flex-start", padding: `${vars.space.xs} 0` });

export const checkInput = style({ width: "1.125rem", height: "1.125rem", marginTop: "0.2rem", flexShrink: 0, accentColor: vars.color.primary });

/** Fields side by side on wide screens, stacked on phones. */
export const row = style({
  display: "grid",
  gap: `0 ${vars.space.md}`,
  gridTemplateColumns: "repeat(auto-fit, minmax(12rem, 1fr))",
  alignItems: "start",
});

export const groupHint = style([hint, { marginBottom: vars.space.sm }]);
