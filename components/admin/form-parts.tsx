"use client";

import { useTranslations } from "next-intl";
import type { FormEvent, ReactNode } from "react";
import { Checkbox } from "~/components/ui/checkbox";
import { FieldError } from "~/components/ui/field";
import styles from "./admin.module.css";

/** A create form's last lines: the save error that no field explains, then Submit and Cancel. */
export function FormFooter({
  showSaveError,
  isPending,
  submitLabel,
  pendingLabel,
  onCancel,
}: {
  showSaveError: boolean;
  isPending: boolean;
  submitLabel: string;
  pendingLabel: string;
  onCancel: () => void;
}) {
  const common = useTranslations("admin.common");
  return (
    <>
      {showSaveError ? (
        <p className="form-error" role="alert">
          {common("saveError")}
        </p>
      ) : null}
      <div className={styles.actions}>
        <button type="submit" className={`button ${styles.primary}`} disabled={isPending}>
          {isPending ? pendingLabel : submitLabel}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {common("cancel")}
        </button>
      </div>
    </>
  );
}

/**
 * A create form in its own section (tokens, webhooks, rotas): the title, the fields, then the
 * save error no field explains, Submit and Cancel. The browser's own validation is off: the
 * screen checks and says what is missing beside each field.
 */
export function CreateForm({
  id,
  title,
  onSubmit,
  children,
  ...footer
}: {
  id: string;
  title: string;
  onSubmit: (event: FormEvent<HTMLFormElement>) => void;
  children: ReactNode;
} & Parameters<typeof FormFooter>[0]) {
  return (
    <section className={styles.section} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{title}</h2>
      <form className={styles.form} onSubmit={onSubmit} noValidate>
        {children}
        <FormFooter {...footer} />
      </form>
    </section>
  );
}

/** Checkboxes for a set of named choices (a token's scopes, a webhook's events), with the group's error. */
export function CheckList<T extends string>({
  id,
  legend,
  options,
  label,
  checked,
  onToggle,
  error,
}: {
  id: string;
  legend: string;
  options: readonly T[];
  label: (option: T) => string;
  checked: ReadonlySet<string>;
  onToggle: (option: T, isOn: boolean) => void;
  error?: string;
}) {
  return (
    <fieldset className={styles.fieldset} aria-describedby={error ? `${id}-error` : undefined}>
      <legend>{legend}</legend>
      {options.map((option) => (
        <Checkbox key={option} checked={checked.has(option)} onChange={(isOn) => onToggle(option, isOn)}>
          <span className={styles.checkText}>
            <span>{label(option)}</span>
            <span className={`${styles.checkCode} ${styles.mono}`}>{option}</span>
          </span>
        </Checkbox>
      ))}
      <FieldError id={`${id}-error`} error={error} />
    </fieldset>
  );
}

/** A copy of the set with one member added or removed. */
export function toggled<T>(set: ReadonlySet<T>, member: T, isOn: boolean): Set<T> {
  const next = new Set(set);
  if (isOn) next.add(member);
  else next.delete(member);
  return next;
}
