import { useRef, useState, type ReactNode } from "react";
import { Button } from "./button";
import { Field } from "./field";
import * as styles from "./copy-field.css";
import { useHydrated } from "./use-hydrated";

/**
 * A read-only value (a link, a token) with a Copy button. Without JavaScript the button is not
 * shown; the value is selected when focused, ready for the keyboard's copy.
 */
export function CopyField({ label, value, id, hint }: { label: string; value: string; id: string; hint?: ReactNode }) {
  const hydrated = useHydrated();
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<"idle" | "copied" | "failed">("idle");

  async function copy() {
    try {
      await navigator.clipboard.writeText(value);
      setStatus("copied");
    } catch {
      // No clipboard API (e.g. plain http on another host): the old way, from the selection.
      input.current?.select();
      setStatus(document.execCommand?.("copy") ? "copied" : "failed");
    }
  }

  return (
    <Field id={id} label={label} hint={hint ?? (hydrated ? undefined : "Select the text and copy it.")}>
      {(control) => (
        <>
          <div className={styles.row}>
            <input
              {...control}
              ref={input}
              readOnly
              value={value}
              className={styles.value}
              spellCheck={false}
              autoComplete="off"
              onFocus={(event) => event.currentTarget.select()}
            />
            {hydrated ? (
              <Button type="button" variant="secondary" onClick={() => void copy()} aria-label={`${status === "copied" ? "Copied" : "Copy"}: ${label}`}>
                {status === "copied" ? "Copied" : "Copy"}
              </Button>
            ) : null}
          </div>
          <p className={styles.status} role="status">
            {status === "copied" ? "Copied to the clipboard." : status === "failed" ? "Could not copy: select the text and copy it yourself." : ""}
          </p>
        </>
      )}
    </Field>
  );
}
