import type { ReactNode } from "react";
import * as styles from "./badge.css";

export type BadgeTone = keyof typeof styles.tone;

/** A short status word on a tinted pill. The colour repeats the word; it never replaces it. */
export function Badge({ tone = "neutral", children, ...rest }: { tone?: BadgeTone; children: ReactNode; "data-testid"?: string; title?: string }) {
  return (
    <span className={styles.tone[tone]} {...rest}>
      {children}
    </span>
  );
}

/** The badge for a role. */
export function RoleBadge({ role }: { role: "ADMIN" | "CLIENT" | string }) {
  return <Badge tone={role === "ADMIN" ? "warning" : "success"}>{role}</Badge>;
}
