import type { ReactNode } from "react";
import styles from "./checkbox.module.css";

/** A checkbox as a whole row (52 px tall, one tap anywhere toggles it) with its label beside the box. */
export function Checkbox({
  checked,
  onChange,
  children,
  className,
}: {
  checked: boolean;
  onChange: (checked: boolean) => void;
  children: ReactNode;
  className?: string;
}) {
  return (
    <label className={`${styles.check} ${className ?? ""}`}>
      <input type="checkbox" className={styles.input} checked={checked} onChange={(event) => onChange(event.target.checked)} />
      <span className={styles.box} aria-hidden="true" />
      {children}
    </label>
  );
}
