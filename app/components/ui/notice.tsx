import type { ReactNode } from "react";
import * as styles from "./notice.css";

export type NoticeTone = keyof typeof styles.tone;

/**
 * A message box. Errors are announced at once (role="alert"); other tones politely when they
 * appear, unless `live` is false (e.g. a notice that is part of the page from the start).
 */
export function Notice({ tone = "info", title, children, live = true, ...rest }: { tone?: NoticeTone; title?: ReactNode; children?: ReactNode; live?: boolean; "data-testid"?: string }) {
  const role = !live ? undefined : tone === "error" ? "alert" : "status";
  return (
    <div className={styles.tone[tone]} role={role} {...rest}>
      {title ? <p className={styles.title}>{title}</p> : null}
      {children ? <div className={styles.body}>{children}</div> : null}
    </div>
  );
}
