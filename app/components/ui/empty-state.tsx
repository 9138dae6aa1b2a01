import type { ReactNode } from "react";
import * as styles from "./empty-state.css";

/** What a list shows when it has nothing: what that means, and what to do next. */
export function EmptyState({ title, children, action }: { title: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <div className={styles.box}>
      <h2 className={styles.title}>{title}</h2>
      {children ? <div className={styles.text}>{children}</div> : null}
      {action ?? null}
    </div>
  );
}
