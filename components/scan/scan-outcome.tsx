"use client";

import { useTranslations } from "next-intl";
import { type FormEvent, type ReactNode, useEffect, useId, useRef, useState } from "react";
import type { RecordRef, Resolution } from "~/lib/trpc/types";
import styles from "./scan-outcome.module.css";

type Unresolved = Exclude<Resolution, { outcome: "opened" }>;

/** A record type as people say it: a translation for the usual ones, the type itself for others. */
export function useTypeLabel(): (type: string) => string {
  const t = useTranslations("scan.types");
  return (type) => (t.has(type) ? t(type) : type);
}

/** The code inside a sentence: kept on one line when it fits (codes break badly at their hyphens). */
function codeMark(chunks: ReactNode) {
  return <span className={styles.code}>{chunks}</span>;
}

/** What a scan found when it is not one record: nothing (offer to create it) or several (choose). */
export function ScanOutcome({
  outcome,
  isBusy,
  onOpen,
  onCreate,
  onDismiss,
}: {
  outcome: Unresolved;
  isBusy: boolean;
  onOpen: (record: RecordRef) => void;
  onCreate: (input: { type: string; key: string; title: string }) => void;
  onDismiss: () => void;
}) {
  const t = useTranslations("scan");
  const typeLabel = useTypeLabel();
  const headingId = useId();
  const [isCreating, setIsCreating] = useState(false);

  if (outcome.outcome === "choose") {
    return (
      <section className={styles.outcome} aria-labelledby={headingId}>
        <h2 id={headingId} className={styles.title}>
          {t.rich("choose.title", { code: outcome.code, mark: codeMark })}
        </h2>
        <p className={styles.body}>{t("choose.body")}</p>
        <ul className={styles.choices}>
          {outcome.choices.map((record) => (
            <li key={`${record.type}:${record.key}`}>
              <button type="button" className={`button ${styles.choice}`} disabled={isBusy} onClick={() => onOpen(record)}>
                <span className={styles.choiceType}>{typeLabel(record.type)}</span>
                <span className={styles.choiceTitle}>{record.title}</span>
              </button>
            </li>
          ))}
        </ul>
        <button type="button" className="button button-quiet" onClick={onDismiss}>
          {t("notFound.dismiss")}
        </button>
      </section>
    );
  }

  return (
    <section className={`${styles.outcome} ${styles.notFound}`} aria-labelledby={headingId}>
      <h2 id={headingId} className={styles.title}>
        {t.rich("notFound.title", { code: outcome.code, mark: codeMark })}
      </h2>
      <p className={styles.body}>{t("notFound.body")}</p>
      {!outcome.canCreate ? <p className={styles.body}>{t("notFound.noPermission")}</p> : null}
      {outcome.canCreate && isCreating ? (
        <CreateRecordForm
          code={outcome.code}
          types={outcome.types}
          suggestedType={outcome.suggestedType}
          isBusy={isBusy}
          onCreate={onCreate}
          onCancel={() => setIsCreating(false)}
        />
      ) : (
        <div className={styles.actions}>
          {outcome.canCreate ? (
            <button type="button" className="button button-primary" onClick={() => setIsCreating(true)}>
              {t("notFound.create")}
            </button>
          ) : null}
          <button type="button" className="button" onClick={onDismiss}>
            {t("notFound.dismiss")}
          </button>
        </div>
      )}
    </section>
  );
}

function CreateRecordForm({
  code,
  types,
  suggestedType,
  isBusy,
  onCreate,
  onCancel,
}: {
  code: string;
  types: string[];
  suggestedType: string | null;
  isBusy: boolean;
  onCreate: (input: { type: string; key: string; title: string }) => void;
  onCancel: () => void;
}) {
  const t = useTranslations("scan.create");
  const typeLabel = useTypeLabel();
  const [type, setType] = useState(suggestedType ?? types[0] ?? "order");
  const [title, setTitle] = useState(code);
  const options = types.includes(type) ? types : [type, ...types];
  const formRef = useRef<HTMLFormElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  // The button that opened the form is gone: focus moves to the form, which comes into view whole.
  useEffect(() => {
    headingRef.current?.focus({ preventScroll: true });
    formRef.current?.scrollIntoView({ block: "nearest" });
  }, []);

  function submit(event: FormEvent) {
    event.preventDefault();
    onCreate({ type, key: code, title: title.trim() || code });
  }

  return (
    <form ref={formRef} className={styles.create} onSubmit={submit} aria-labelledby="scan-create-title">
      <h3 id="scan-create-title" ref={headingRef} tabIndex={-1} className={styles.createTitle}>
        {t("title", { code })}
      </h3>
      <label className="field">
        <span>{t("type")}</span>
        <select value={type} onChange={(e) => setType(e.target.value)}>
          {options.map((option) => (
            <option key={option} value={option}>
              {typeLabel(option)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t("name")}</span>
        <input value={title} onChange={(e) => setTitle(e.target.value)} maxLength={200} autoComplete="off" aria-describedby="scan-create-hint" />
      </label>
      <p id="scan-create-hint" className={styles.hint}>
        {t("nameHint")}
      </p>
      <div className={styles.actions}>
        <button type="submit" className="button button-primary" disabled={isBusy}>
          {isBusy ? t("creating") : t("submit")}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t("cancel")}
        </button>
      </div>
    </form>
  );
}
