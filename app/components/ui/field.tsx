import type { InputHTMLAttributes, ReactNode } from "react";
import * as styles from "./field.css";

/** What a control needs to be tied to its label, hint and error. */
export interface ControlProps {
  id: string;
  "aria-invalid"?: true;
  "aria-describedby"?: string;
}

/**
 * A label, a control, an optional hint and an optional error; the hint and error are announced
 * with the control (aria-describedby) and an error marks it invalid. Ids: `field-<name>`,
 * `field-<name>-hint`, `field-<name>-error` unless `id` is given.
 */
export function Field(props: { id: string; label: ReactNode; hint?: ReactNode; error?: string | null; children: (control: ControlProps) => ReactNode }) {
  const hintId = props.hint ? `${props.id}-hint` : null;
  const errorId = props.error ? `${props.id}-error` : null;
  const describedBy = [errorId, hintId].filter(Boolean).join(" ") || undefined;
  return (
    <div className={styles.field}>
      <label htmlFor={props.id} className={styles.label}>
        {props.label}
      </label>
      {props.children({ id: props.id, "aria-invalid": props.error ? true : undefined, "aria-describedby": describedBy })}
      {props.error ? (
        <p id={errorId!} className={styles.error}>
          {props.error}
        </p>
      ) : null}
      {props.hint ? (
        <p id={hintId!} className={styles.hint}>
          {props.hint}
        </p>
      ) : null}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "name" | "type" | "className" | "children">;

/** A labelled text input (text, e-mail, password, date, search…). */
export function TextField({
  name,
  label,
  id,
  hint,
  error,
  type = "text",
  ...rest
}: InputProps & {
  name: string;
  label: ReactNode;
  id?: string;
  hint?: ReactNode;
  error?: string | null;
  type?: "text" | "email" | "password" | "date" | "search" | "url";
}) {
  return (
    <Field id={id ?? `field-${name}`} label={label} hint={hint} error={error}>
      {(control) => <input {...rest} {...control} name={name} type={type} className={styles.input} />}
    </Field>
  );
}

/** A checkbox with its label beside it. */
export function CheckboxField({
  name,
  label,
  id,
  hint,
  ...rest
}: Omit<InputProps, "type"> & { name: string; label: ReactNode; id?: string; hint?: ReactNode }) {
  const controlId = id ?? `field-${name}`;
  return (
    <div className={styles.check}>
      <input {...rest} id={controlId} name={name} type="checkbox" className={styles.checkInput} aria-describedby={hint ? `${controlId}-hint` : undefined} />
      <div>
        <label htmlFor={controlId}>{label}</label>
        {hint ? (
          <p id={`${controlId}-hint`} className={styles.hint}>
            {hint}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** A group of controls with one legend (e.g. checkboxes), and the group's error. */
export function Fieldset(props: { legend: ReactNode; hint?: ReactNode; error?: string | null; id: string; children: ReactNode }) {
  const describedBy = [props.error ? `${props.id}-error` : null, props.hint ? `${props.id}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <fieldset id={props.id} className={styles.fieldset} aria-describedby={describedBy} aria-invalid={props.error ? true : undefined}>
      <legend className={styles.legend}>{props.legend}</legend>
      {props.hint ? (
        <p id={`${props.id}-hint`} className={styles.groupHint}>
          {props.hint}
        </p>
      ) : null}
      {props.error ? (
        <p id={`${props.id}-error`} className={styles.error}>
          {props.error}
        </p>
      ) : null}
      {props.children}
    </fieldset>
  );
}

/** Fields side by side on wide screens, stacked on phones. */
export function FieldRow({ children }: { children: ReactNode }) {
  return <div className={styles.row}>{children}</div>;
}
