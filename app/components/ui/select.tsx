import type { ReactNode, SelectHTMLAttributes } from "react";
import { Field } from "./field";
import * as styles from "./select.css";

export interface SelectOption {
  value: string;
  label: string;
}

/** A labelled native <select> (works without JavaScript, on every device). */
export function SelectField({
  name,
  label,
  id,
  hint,
  error,
  options,
  ...rest
}: Omit<SelectHTMLAttributes<HTMLSelectElement>, "id" | "name" | "className" | "children"> & {
  name: string;
  label: ReactNode;
  id?: string;
  hint?: ReactNode;
  error?: string | null;
  options: readonly SelectOption[];
}) {
  return (
    <Field id={id ?? `field-${name}`} label={label} hint={hint} error={error}>
      {(control) => (
        <select {...rest} {...control} name={name} className={styles.select}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
