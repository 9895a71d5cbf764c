"use client";

import { useMutation } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { type FileProblemCode, isRowProblemCode } from "~/contracts/record-import";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./admin.module.css";
import { CsvImportControls, CsvProblems } from "./csv-input";
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
  const csvText = useTranslations("admin.csvInput");
  const problemText = useProblemText();
  const trpc = useTRPC();
  const id = useId();
  const [csv, setCsv] = useState("");
  // The preview belongs to the text it was made of; any edit makes it stale.
  const [preview, setPreview] = useState<{ csv: string; result: Preview } | null>(null);
  const [shown, setShown] = useState(PAGE);
  const [done, setDone] = useState<{ created: number; updated: number } | null>(null);
  const check = useMutation(trpc.record.previewImport.mutationOptions());
  const save = useMutation(trpc.record.import.mutationOptions());

  const current = preview?.csv === csv ? preview.result : null;
  const rowCount = current ? current.creates + current.updates : 0;
  const canImport = current !== null && current.file === null && current.invalid === 0 && rowCount > 0 && !save.isPending;

  function edit(text: string) {
    setCsv(text);
    setDone(null);
    save.reset();
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
        <CsvImportControls
          id={id}
          labelledBy={`${id}-csv-heading`}
          csv={csv}
          onEdit={edit}
          maxBytes={MAX_BYTES}
          placeholder={EXAMPLE}
          check={{ run: runPreview, isPending: check.isPending, error: check.error }}
          save={{ run: runImport, isPending: save.isPending, error: save.error }}
          canImport={canImport}
          words={{
            check: check.isPending ? t("previewing") : t("preview"),
            importCount: t("import", { count: rowCount }),
            hint: current && (current.invalid > 0 || current.file) ? t("fixFirst") : t("needsPreview"),
            fixFirst: t("fixFirst"),
            done: done ? t("done", done) : null,
          }}
        />
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
                  <CsvProblems
                    label={t("problemsTitle")}
                    lines={problems.map((row) => ({
                      line: row.line,
                      main: <span className={styles.mono}>{row.type && row.key ? `${row.type}:${row.key}` : "—"}</span>,
                      problems: row.problems.map((problem) => ({ key: problem.code, text: problemText(problem) })),
                    }))}
                  />
                </>
              ) : null}
              <h3 className={styles.itemName}>{t("rowsTitle")}</h3>
              <ul className={styles.rows} aria-label={t("rowsTitle")}>
                {current.rows.slice(0, shown).map((row) => (
                  <li key={row.line} className={`${styles.row} ${row.action ? "" : styles.rowBad}`}>
                    <span className={styles.rowLine}>{csvText("line", { line: row.line })}</span>
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
