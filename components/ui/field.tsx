import type { ReactNode } from "react";
import styles from "./field.module.css";

/** What a field's control needs to be named, described and marked invalid. */
export type ControlProps = { id: string; "aria-invalid": true | undefined; "aria-describedby": string | undefined };

/**
 * A labelled form field: the label, a hint under it, the control, and the field's error below
 * (announced with the control: it is in its aria-describedby, as is the hint). The control is
 * the caller's (input, select, textarea), given the props that tie it to the rest.
 */
export function Field({
  id,
  label,
  hint,
  error,
  children,
}: {
  /** The control's id; the hint and the error take it with -hint and -error. */
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  children: (control: ControlProps) => ReactNode;
}) {
  const describedBy = [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className={styles.hint}>
          {hint}
        </p>
      ) : null}
      {children({ id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy || undefined })}
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

/** A field's or a group's error line, nothing when there is none. */
export function FieldError({ id, error }: { id: string; error?: string | null }) {
  return error ? (
    <p id={id} className={styles.error}>
      {error}
    </p>
  ) : null;
}
