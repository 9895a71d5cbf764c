"use client";

import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { type ChangeEvent, useId, useState } from "react";
import { type FileProblemCode, isRowProblemCode } from "~/contracts/record-import";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import { VERBATIM } from "~/components/ui/verbatim";
import styles from "./admin.module.css";
import { isRefusal } from "./states";

type Preview = RouterOutputs["record"]["previewImport"];
type Problem = Preview["rows"][number]["problems"][number];

/** Kept in step with MAX_IMPORT_BYTES in server/services/record-import.ts. */
const MAX_BYTES = 2 * 1024 * 1024;
const PAGE = 100;

const EXAMPLE = "type,key,title,status,url,dock\norder,SO-20001,Nordic Foods AB · 3 lines,new,https://erp.example.com/orders/SO-20001,D2";

/**
 * CSV import of records (PRODUCT.md W2): paste or choose a file, preview every row, then import
 * all of it. Import stays off until a preview of exactly this text has no problems; the server
 * checks again anyway and imports all rows or none.
 */
export function ImportScreen() {
  const t = useTranslations("admin.import");
  const problemText = useProblemText();
  const trpc = useTRPC();
  const id = useId();
  const [csv, setCsv] = useState("");
  const [fileNote, setFileNote] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  // The preview belongs to the text it was made of; any edit makes it stale.
  const [preview, setPreview] = useState<{ csv: string; result: Preview } | null>(null);
  const [shown, setShown] = useState(PAGE);
  const [done, setDone] = useState<{ created: number; updated: number } | null>(null);
  const check = useMutation(trpc.record.previewImport.mutationOptions());
  const save = useMutation(trpc.record.import.mutationOptions());

  const current = preview?.csv === csv ? preview.result : null;
  const rowCount = current ? current.creates + current.updates : 0;
  const canImport = current !== null && current.file === null && current.invalid === 0 && rowCount > 0 && !save.isPending;
  const bytes = new Blob([csv]).size;

  function edit(text: string) {
    setCsv(text);
    setDone(null);
    save.reset();
  }

  async function onFile(event: ChangeEvent<HTMLInputElement>) {
    const file = event.target.files?.[0];
    event.target.value = "";
    if (!file) return;
    if (file.size > MAX_BYTES) {
      setFileNote({ kind: "error", text: t("fileTooLarge", { name: file.name }) });
      return;
    }
    edit(await file.text());
    setFileNote({ kind: "ok", text: t("fileLoaded", { name: file.name }) });
  }

  function runPreview() {
    const text = csv;
    setDone(null);
    check.mutate(
      { csv: text },
      {
        onSuccess: (result) => {
          setPreview({ csv: text, result });
          setShown(PAGE);
        },
      },
    );
  }

  function runImport() {
    if (!canImport) return;
    save.mutate(
      { csv },
      {
        onSuccess: (result) => {
          setDone(result);
          setPreview(null);
        },
        // The server found what the preview did not (the records changed meanwhile): show it.
        onError: (error) => {
          if (isRefusal(error)) runPreview();
        },
      },
    );
  }

  const problems = current?.rows.filter((row) => row.problems.length > 0) ?? [];
  return (
    <>
      <section className={styles.section} aria-labelledby={`${id}-format`}>
        <h2 id={`${id}-format`}>{t("formatTitle")}</h2>
        <ul className={styles.steps}>
          <li>{t("formatHeader")}</li>
          <li>{t("formatFields")}</li>
          <li>{t("formatLimits")}</li>
          <li>
            <strong>{t("formatAllOrNothing")}</strong>
          </li>
        </ul>
        <pre className={styles.code} tabIndex={0} aria-label={t("example")}>
          {EXAMPLE}
        </pre>
      </section>

      <section className={styles.section} aria-labelledby={`${id}-csv-heading`}>
        <h2 id={`${id}-csv-heading`}>{t("csv")}</h2>
        <div className={styles.form}>
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
              id={`${id}-csv`}
              className={styles.textarea}
              value={csv}
              onChange={(event) => edit(event.target.value)}
              {...VERBATIM}
              wrap="off"
              placeholder={EXAMPLE}
              aria-labelledby={`${id}-csv-heading`}
              aria-describedby={`${id}-size`}
            />
            <p id={`${id}-size`} className={bytes > MAX_BYTES ? styles.fieldError : styles.hint}>
              {t("size", { size: formatSize(bytes) })}
            </p>
          </div>
          <div className={styles.actions}>
            <button type="button" className="button" onClick={runPreview} disabled={check.isPending || !csv.trim() || bytes > MAX_BYTES}>
              {check.isPending ? t("previewing") : t("preview")}
            </button>
            <button type="button" className={`button ${styles.primary}`} onClick={runImport} disabled={!canImport} aria-describedby={`${id}-import-hint`}>
              {save.isPending ? t("importing") : rowCount > 0 && canImport ? t("import", { count: rowCount }) : t("importNothing")}
            </button>
          </div>
          <p id={`${id}-import-hint`} className={styles.hint}>
            {current && (current.invalid > 0 || current.file) ? t("fixFirst") : t("needsPreview")}
          </p>
          {check.isError ? (
            <p className="form-error" role="alert">
              {isRefusal(check.error) ? check.error.message : t("checkError")}
            </p>
          ) : null}
          {save.isError ? (
            <p className="form-error" role="alert">
              {t("importError")} {isRefusal(save.error) ? t("fixFirst") : t("connectionError")}
            </p>
          ) : null}
          <div role="status">{done ? <p className={`${styles.status} ${styles.statusOk}`}>{t("done", done)}</p> : null}</div>
        </div>
      </section>

      {current ? (
        <section className={styles.section} aria-labelledby={`${id}-preview`}>
          <h2 id={`${id}-preview`}>{t("previewTitle")}</h2>
          {current.file ? (
            <p className="form-error" role="alert">
              {t(`fileProblem.${current.file.code as FileProblemCode}`, current.file.params)}
            </p>
          ) : (
            <>
              <p className={styles.status} role="status">
                {t("summary", { creates: current.creates, updates: current.updates, invalid: current.invalid })}
              </p>
              {problems.length > 0 ? (
                <>
                  <h3 className={styles.itemName}>{t("problemsTitle")}</h3>
                  <ul className={styles.rows} aria-label={t("problemsTitle")}>
                    {problems.map((row) => (
                      <li key={row.line} className={`${styles.row} ${styles.rowBad}`}>
                        <span className={styles.rowLine}>{t("line", { line: row.line })}</span>
                        <span className={styles.rowMain}>
                          <span className={styles.mono}>{row.type && row.key ? `${row.type}:${row.key}` : "—"}</span>
                        </span>
                        <span />
                        {row.problems.map((problem) => (
                          <p key={problem.code} className={styles.rowProblem}>
                            {problemText(problem)}
                          </p>
                        ))}
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
              <h3 className={styles.itemName}>{t("rowsTitle")}</h3>
              <ul className={styles.rows} aria-label={t("rowsTitle")}>
                {current.rows.slice(0, shown).map((row) => (
                  <li key={row.line} className={`${styles.row} ${row.action ? "" : styles.rowBad}`}>
                    <span className={styles.rowLine}>{t("line", { line: row.line })}</span>
                    <span className={styles.rowMain}>
                      <span className={styles.mono}>{row.type && row.key ? `${row.type}:${row.key}` : "—"}</span> {row.title}
                    </span>
                    {row.action ? (
                      <span className={`${styles.badge} ${row.action === "create" ? styles.badgeOk : styles.badgeMuted}`}>{t(`action.${row.action}`)}</span>
                    ) : (
                      <span className={`${styles.badge} ${styles.badgeDanger}`}>{t("invalidBadge")}</span>
                    )}
                  </li>
                ))}
              </ul>
              {current.rows.length > shown ? (
                <button type="button" className="button" onClick={() => setShown(shown + PAGE)}>
                  {t("showMore", { count: Math.min(PAGE, current.rows.length - shown) })}
                </button>
              ) : null}
            </>
          )}
        </section>
      ) : null}
    </>
  );
}


/** A row's problem in the screen's language; the server's English if this screen does not know the code. */
function useProblemText() {
  const t = useTranslations("admin.import.problem");
  return (problem: Problem) => (isRowProblemCode(problem.code) ? t(problem.code, problem.params) : problem.message);
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(2)} MB`;
}
