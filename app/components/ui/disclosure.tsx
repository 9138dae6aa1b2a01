import type { ReactNode } from "react";
import * as styles from "./disclosure.css";

/** Content behind a summary line (<details>: keyboard and screen-reader friendly, no JavaScript). */
export function Disclosure({ summary, children, open, ...rest }: { summary: ReactNode; children: ReactNode; open?: boolean; "data-testid"?: string }) {
  return (
    <details className={styles.details} open={open} {...rest}>
      <summary className={styles.summary}>{summary}</summary>
      <div className={styles.body}>{children}</div>
    </details>
  );
}

/** Preformatted text (e.g. JSON) in a bounded, scrollable box. */
export function Pre({ children }: { children: ReactNode }) {
  return <pre className={styles.pre}>{children}</pre>;
}
