import { Form, type FetcherWithComponents } from "@remix-run/react";
import type { ReactNode } from "react";
import { Button } from "./button";
import * as styles from "./confirm-form.css";
import { TextField } from "./field";

/** The field that carries the typed confirmation. */
export const CONFIRM_FIELD = "confirm";

/** Whether the typed confirmation matches (spaces around it and letter case do not matter). */
export function confirmationMatches(typed: FormDataEntryValue | null, phrase: string): boolean {
  return typeof typed === "string" && typed.trim().toLowerCase() === phrase.trim().toLowerCase() && phrase.trim() !== "";
}

/**
 * A destructive action without a dialog: the person types `phrase` (e.g. the e-mail of the
 * account to delete) and presses the button. The action checks the phrase again
 * (confirmationMatches) and answers with `error` when it does not match.
 */
export function ConfirmForm(props: {
  /** Unique on the page (ids of the field and its error). */
  id: string;
  intent: string;
  phrase: string;
  /** Hidden fields sent with the form, e.g. the id of what is acted on. */
  fields?: Record<string, string>;
  description?: ReactNode;
  submitLabel: string;
  error?: string | null;
  busy?: boolean;
  action?: string;
  /** More fields, shown above the button (e.g. an option of the action). */
  children?: ReactNode;
  /** A fetcher's Form, to keep the answer on a page that revalidates by itself (default: Remix's Form). */
  form?: FetcherWithComponents<unknown>["Form"];
}) {
  const FormComponent = props.form ?? Form;
  return (
    <FormComponent method="post" action={props.action} className={styles.box} noValidate>
      <input type="hidden" name="intent" value={props.intent} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {props.description ? <p className={styles.description}>{props.description}</p> : null}
      <TextField
        id={`${props.id}-confirm`}
        name={CONFIRM_FIELD}
        label={
          <>
            Type <span className={styles.phrase}>{props.phrase}</span> to confirm
          </>
        }
        autoComplete="off"
        spellCheck={false}
        autoCapitalize="none"
        error={props.error}
        required
      />
      {props.children}
      <Button variant="danger" size="small" busy={props.busy}>
        {props.submitLabel}
      </Button>
    </FormComponent>
  );
}
