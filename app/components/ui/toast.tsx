import { Link, useLocation, useSearchParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { FLASH_PARAM, flashMessage } from "../../utils/flash";
import * as styles from "./toast.css";

/** A confirmation after an action; "Dismiss" is a link, so it works without JavaScript too. */
export function Toast({ children, dismissTo }: { children: ReactNode; dismissTo?: string }) {
  return (
    <div className={styles.toast} data-testid="toast">
      <span className={styles.icon} aria-hidden="true">
        ✓
      </span>
      <p className={styles.message}>{children}</p>
      {dismissTo ? (
        <Link to={dismissTo} replace preventScrollReset className={styles.dismiss}>
          Dismiss
        </Link>
      ) : null}
    </div>
  );
}

/**
 * The toast named by `?done=<key>` (see utils/flash.ts), inside a polite live region that stays
 * mounted, so a message that appears after a client-side navigation is announced.
 */
export function FlashToast() {
  const [params] = useSearchParams();
  const { pathname } = useLocation();
  const message = flashMessage(params.get(FLASH_PARAM));
  let dismissTo: string | undefined;
  if (message) {
    const rest = new URLSearchParams(params);
    rest.delete(FLASH_PARAM);
    const query = rest.toString();
    dismissTo = query ? `${pathname}?${query}` : pathname;
  }
  return (
    <div aria-live="polite" aria-atomic="true">
      {message ? <Toast dismissTo={dismissTo}>{message}</Toast> : null}
    </div>
  );
}
