import { type ReactNode, useId } from "react";
import styles from "./radio-row.module.css";

/**
 * One choice of a radio group as a whole row (56 px tall, one tap anywhere chooses it): the
 * name, an explanation under it, and anything to show before the name (a status mark).
 */
export function RadioRow({
  name,
  value,
  checked,
  onChange,
  label,
  hint,
  before,
  className,
}: {
  name: string;
  value?: string;
  checked: boolean;
  onChange: () => void;
  label: string;
  hint?: string;
  before?: ReactNode;
  className?: string;
}) {
  const id = useId();
  return (
    <label className={`${styles.row} ${className ?? ""}`}>
      <input
        type="radio"
        name={name}
        value={value}
        className={styles.radio}
        checked={checked}
        onChange={onChange}
        aria-labelledby={`${id}-name`}
        aria-describedby={hint ? `${id}-hint` : undefined}
      />
      <span className={styles.dot} aria-hidden="true" />
      {before}
      <span className={styles.text}>
        <span id={`${id}-name`} className={styles.name}>
          {label}
        </span>
        {hint ? (
          <span id={`${id}-hint`} className={styles.hint}>
            {hint}
          </span>
        ) : null}
      </span>
    </label>
  );
}
