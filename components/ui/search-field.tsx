"use client";

import { type ComponentPropsWithoutRef, useId } from "react";
import { Icon } from "./icon";
import styles from "./search-field.module.css";
import { VERBATIM } from "./verbatim";

/**
 * A search box: the magnifier, an 18 px field without the keyboard's corrections, and one big
 * clear button (the browser's own small one is hidden) shown while there is text.
 */
export function SearchField({
  label,
  clearLabel,
  value,
  onChange,
  onSubmit,
  ...input
}: {
  /** For screen readers; the placeholder says it to everyone else. */
  label: string;
  clearLabel: string;
  value: string;
  onChange: (value: string) => void;
  /** Given, the box is a search form (Enter submits); otherwise it filters as one types. */
  onSubmit?: () => void;
} & Omit<ComponentPropsWithoutRef<"input">, "value" | "onChange" | "type" | "id" | "className">) {
  const id = useId();
  const field = (
    <>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <Icon name="search" className={styles.icon} weight={2} />
      <input
        id={id}
        type="search"
        className={styles.input}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        {...VERBATIM}
        enterKeyHint="search"
        {...input}
      />
      {value ? (
        <button type="button" className={styles.clear} onClick={() => onChange("")} aria-label={clearLabel}>
          <Icon name="close" size={22} weight={2.2} />
        </button>
      ) : null}
    </>
  );
  return onSubmit ? (
    <form
      role="search"
      className={styles.search}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit();
      }}
    >
      {field}
    </form>
  ) : (
    <div className={styles.search}>{field}</div>
  );
}
