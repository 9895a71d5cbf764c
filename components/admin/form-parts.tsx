"use client";

import { useTranslations } from "next-intl";
import { type ReactNode, useState } from "react";
import { Checkbox } from "~/components/ui/checkbox";
import { FieldError } from "~/components/ui/field";
import styles from "./admin.module.css";
import { isRefusal } from "./states";

/**
 * A create form in its own section (tokens, webhooks, rotas): the title, the fields, then the
 * save error no field explains (a refusal is explained beside its field), Submit and Cancel.
 * The browser's own validation is off: the screen checks and says what is missing beside each
 * field (useMissing).
 */
export function CreateForm({
  id,
  t,
  mutation,
  onSubmit,
  onCancel,
  children,
}: {
  id: string;
  /** The screen's own words for the title and the submit button. */
  t: (key: "formTitle" | "submit" | "submitting") => string;
  mutation: { isError: boolean; isPending: boolean; error: unknown };
  onSubmit: () => void;
  onCancel: () => void;
  children: ReactNode;
}) {
  const common = useTranslations("admin.common");
  return (
    <section className={styles.section} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("formTitle")}</h2>
      <form
        className={styles.form}
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          onSubmit();
        }}
      >
        {children}
        {mutation.isError && !isRefusal(mutation.error) ? (
          <p className="form-error" role="alert">
            {common("saveError")}
          </p>
        ) : null}
        <div className={styles.actions}>
          <button type="submit" className={`button ${styles.primary}`} disabled={mutation.isPending}>
            {mutation.isPending ? t("submitting") : t("submit")}
          </button>
          <button type="button" className="button" onClick={onCancel}>
            {common("cancel")}
          </button>
        </div>
      </form>
    </section>
  );
}

/**
 * What a create form found missing when it was submitted, field by field. `check` records the
 * problems (a field without one is fine), moves the focus to the first problem's field that can
 * take it, and says whether the form may be sent.
 */
export function useMissing<K extends string>() {
  const [missing, setMissing] = useState<Partial<Record<K, string>>>({});
  const check = (problems: Record<K, string | false>, focus: Partial<Record<K, () => void>> = {}): boolean => {
    const found = Object.fromEntries(Object.entries(problems).filter(([, problem]) => problem)) as Partial<Record<K, string>>;
    setMissing(found);
    const first = (Object.keys(problems) as K[]).find((key) => found[key]);
    if (first !== undefined) focus[first]?.();
    return first === undefined;
  };
  return { missing, check };
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
