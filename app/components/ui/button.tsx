import { Link, type LinkProps } from "@remix-run/react";
import type { ButtonHTMLAttributes, ReactNode } from "react";
import * as styles from "./button.css";

export type ButtonVariant = keyof typeof styles.variant;
export type ButtonSize = keyof typeof styles.size;

export function buttonClass(variant: ButtonVariant = "secondary", size: ButtonSize = "normal", extra?: string): string {
  return [styles.variant[variant], styles.size[size], extra].filter(Boolean).join(" ");
}

/** A button; `type` defaults to "submit" because most of ours submit a Remix <Form>. */
export function Button({
  variant = "secondary",
  size = "normal",
  busy = false,
  busyLabel,
  className,
  children,
  type = "submit",
  disabled,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & {
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** While true the button is disabled and shows `busyLabel`. */
  busy?: boolean;
  busyLabel?: ReactNode;
}) {
  return (
    <button type={type} className={buttonClass(variant, size, className)} disabled={busy || disabled} aria-busy={busy || undefined} {...rest}>
      {busy && busyLabel ? busyLabel : children}
    </button>
  );
}

/** A link that looks like a button (for navigation, never for changes). */
export function ButtonLink({ variant = "secondary", size = "normal", className, ...rest }: LinkProps & { variant?: ButtonVariant; size?: ButtonSize }) {
  return <Link className={buttonClass(variant, size, className)} {...rest} />;
}

/** Buttons side by side. */
export function ButtonRow({ children }: { children: ReactNode }) {
  return <div className={styles.row}>{children}</div>;
}
