import * as ui from "./ui.css";

/** A labelled input whose error is announced with it (aria-describedby). */
export function TextField(props: {
  name: string;
  label: string;
  type?: "text" | "email" | "password";
  autoComplete?: string;
  defaultValue?: string;
  error?: string;
  required?: boolean;
  autoFocus?: boolean;
}) {
  const id = `field-${props.name}`;
  const errorId = `${id}-error`;
  return (
    <div className={ui.field}>
      <label htmlFor={id} className={ui.label}>
        {props.label}
      </label>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        autoComplete={props.autoComplete}
        defaultValue={props.defaultValue}
        required={props.required}
        autoFocus={props.autoFocus}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? errorId : undefined}
        className={ui.input}
      />
      {props.error ? (
        <p id={errorId} className={ui.fieldError}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}
