import { style } from "@vanilla-extract/css";
import { vars } from "../../styles/theme.css";

export const select = style({
  font: "inherit",
  width: "100%",
  minHeight: "2.5rem",
  padding: `${vars.space.sm} ${vars.space.md}`,
  border: `1px solid ${vars.color.borderStrong}`,
  borderRadius: vars.radius.sm,
  background: vars.color.surface,
  color: vars.color.text,
  selectors: { '&[aria-invalid="true"]': { borderColor: vars.color.danger, borderWidth: "2px" } },
});
