"use client";

import { useTranslations } from "next-intl";
import { type ChangeEvent, type ReactNode, useState } from "react";
import { VERBATIM } from "~/components/ui/verbatim";
import styles from "./admin.module.css";
import { isRefusal } from "./states";

/**
 * The CSV of an import (records, SMS contacts): a file to choose or text to paste, and how big
 * it is against the server's limit. A file over the limit is not read at all. The text box is
 * named by the section's heading (`labelledBy`).
 */
export function CsvInput({
  id,
  labelledBy,
  value,
  onChange,
  maxBytes,
  placeholder,
}: {
  id: string;
  labelledBy: string;
  value: string;
  onChange: (text: string) => void;
  /** Kept in step with the server's limit for this import. */
  maxBytes: number;
  placeholder: string;
}) {
  const t = useTranslations("admin.csvInput");
  const [fileNote, setFileNote] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const bytes = new Blob([value]).size;
  const max = formatSize(maxBytes);

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    if (file.size > maxBytes) {
      setFileNote({ kind: "error", text: t("fileTooLarge", { name: file.name, max }) });
      return;
    }
    onChange(await file.text());
    setFileNote({ kind: "ok", text: t("fileLoaded", { name: file.name }) });
  }

  return (
    <>
      <label className={`button ${styles.fileButton}`}>
        {t("choose")}
        <input type="file" accept=".csv,text/csv,text/plain" className={styles.fileInput} onChange={(event) => void onFile(event)} />
      </label>
      {fileNote ? (
        <p role="status" className={fileNote.kind === "error" ? styles.fieldError : styles.hint}>
          {fileNote.text}
        </p>
      ) : null}
      <div className="field">
        <textarea
          id={id}
          className={styles.textarea}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          {...VERBATIM}
          wrap="off"
          placeholder={placeholder}
          aria-labelledby={labelledBy}
          aria-describedby={`${id}-size`}
        />
        <p id={`${id}-size`} className={bytes > maxBytes ? styles.fieldError : styles.hint}>
          {t("size", { size: formatSize(bytes), max })}
        </p>
      </div>
    </>
  );
}

/** Whether the text is over the limit (the check and import buttons stay off). */
export function isTooLarge(text: string, maxBytes: number): boolean {
  return new Blob([text]).size > maxBytes;
}

export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(2)} MB`;
}

/** One line of a CSV with what is wrong with it. */
export type LineProblems = { line: number; main: ReactNode; problems: { key: string; text: string }[] };

/**
 * The lines of an import that cannot be imported, each with its line number (as an editor
 * counts them) and every problem found on it, in the danger colours.
 */
export function CsvProblems({ label, lines }: { label: string; lines: LineProblems[] }) {
  const t = useTranslations("admin.csvInput");
  return (
    <ul className={styles.rows} aria-label={label}>
      {lines.map((row) => (
        <li key={row.line} className={`${styles.row} ${styles.rowBad}`}>
          <span className={styles.rowLine}>{t("line", { line: row.line })}</span>
          <span className={styles.rowMain}>{row.main}</span>
          <span />
          {row.problems.map((problem) => (
            <p key={problem.key} className={styles.rowProblem}>
              {problem.text}
            </p>
          ))}
        </li>
      ))}
    </ul>
  );
}

/**
 * The CSV, Check (or Preview) and Import, and what became of them, as every import shows them:
 * Import is off until a check of exactly this text found nothing wrong (`canImport`), the hint
 * under it says why, and a failed check or import says so in words. The caller words the check
 * and the import in its screen's terms; `status` is what the last check found, `children` follow it.
 */
export function CsvImportControls({
  id,
  labelledBy,
  csv,
  onEdit,
  maxBytes,
  placeholder,
  check,
  save,
  canImport,
  words,
  status,
  children,
}: {
  id: string;
  labelledBy: string;
  csv: string;
  onEdit: (text: string) => void;
  maxBytes: number;
  placeholder: string;
  check: { run: () => void; isPending: boolean; error: { message: string } | null };
  save: { run: () => void; isPending: boolean; error: { message: string } | null };
  canImport: boolean;
  /** `importCount`: the button's words once there is something to import; `fixFirst`: what to do about a refusal. */
  words: { check: string; importCount: string; hint: string; fixFirst: string; done: string | null };
  status?: ReactNode;
  children?: ReactNode;
}) {
  const t = useTranslations("admin.csvInput");
  return (
    <div className={styles.form}>
      <CsvInput id={`${id}-csv`} labelledBy={labelledBy} value={csv} onChange={onEdit} maxBytes={maxBytes} placeholder={placeholder} />
      <div className={styles.actions}>
        <button type="button" className="button" onClick={check.run} disabled={check.isPending || !csv.trim() || isTooLarge(csv, maxBytes)}>
          {words.check}
        </button>
        <button type="button" className={`button ${styles.primary}`} onClick={save.run} disabled={!canImport} aria-describedby={`${id}-import-hint`}>
          {save.isPending ? t("importing") : canImport ? words.importCount : t("importNothing")}
        </button>
      </div>
      <p id={`${id}-import-hint`} className={styles.hint}>
        {words.hint}
      </p>
      {check.error ? (
        <p className="form-error" role="alert">
          {isRefusal(check.error) ? check.error.message : t("checkError")}
        </p>
      ) : null}
      {save.error ? (
        <p className="form-error" role="alert">
          {t("importError")} {isRefusal(save.error) ? words.fixFirst : t("connectionError")}
        </p>
      ) : null}
      <div role="status">
        {words.done ? <p className={`${styles.status} ${styles.statusOk}`}>{words.done}</p> : null}
        {status}
      </div>
      {children}
    </div>
  );
}
