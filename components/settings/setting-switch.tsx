"use client";

import { useId } from "react";
import styles from "./setting-switch.module.css";

/** An on/off setting of Me: a whole-row switch (a glove hits it anywhere), its state in words too. */
export function SettingSwitch({
  label,
  hint,
  checked,
  stateText,
  disabled = false,
  onToggle,
}: {
  label: string;
  hint: string;
  checked: boolean;
  /** "On" / "Off", in the screen's language. */
  stateText: string;
  disabled?: boolean;
  onToggle: () => void;
}) {
  const id = useId();
  return (
    <button
      type="button"
      role="switch"
      aria-checked={checked}
      aria-labelledby={`${id}-label`}
      aria-describedby={`${id}-hint`}
      className={styles.switch}
      disabled={disabled}
      onClick={onToggle}
    >
      <span className={styles.text}>
        <span id={`${id}-label`} className={styles.label}>
          {label}
        </span>
        <span id={`${id}-hint`} className={styles.hint}>
          {hint}
        </span>
      </span>
      <span className={styles.state} aria-hidden="true">
        {stateText}
      </span>
      <span className={styles.track} aria-hidden="true">
        <span className={styles.thumb} />
      </span>
    </button>
  );
}
