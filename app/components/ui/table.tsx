import type { ReactNode, TdHTMLAttributes, ThHTMLAttributes } from "react";
import * as styles from "./table.css";

/**
 * A data table in a box that scrolls sideways on narrow screens. The box is focusable and
 * named after the caption, so keyboard users can scroll it too.
 */
export function Table({ caption, captionHidden = false, children, ...rest }: { caption: string; captionHidden?: boolean; children: ReactNode; "data-testid"?: string }) {
  return (
    <div className={styles.scroller} role="region" aria-label={caption} tabIndex={0}>
      <table className={styles.table} {...rest}>
        <caption className={captionHidden ? "visually-hidden" : styles.caption}>{caption}</caption>
        {children}
      </table>
    </div>
  );
}

export function Th({ className, scope = "col", ...rest }: ThHTMLAttributes<HTMLTableCellElement>) {
  return <th scope={scope} className={[styles.th, className].filter(Boolean).join(" ")} {...rest} />;
}

export function Td({ className, nowrap, mono, ...rest }: TdHTMLAttributes<HTMLTableCellElement> & { nowrap?: boolean; mono?: boolean }) {
  return <td className={[styles.td, nowrap ? styles.nowrap : null, mono ? styles.mono : null, className].filter(Boolean).join(" ")} {...rest} />;
}
