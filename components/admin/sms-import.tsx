"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./admin.module.css";
import { CsvImportControls, CsvProblems, type LineProblems } from "./csv-input";
import { isRefusal } from "./states";
import sms from "./sms.module.css";

type Check = RouterOutputs["sms"]["checkImport"];
type Problem = Check["problems"][number];

/** Kept in step with MAX_CONTACT_IMPORT_BYTES in server/services/sms/contacts-import.ts. */
const MAX_BYTES = 1024 * 1024;
const EXAMPLE = "name,phone,verified,record_type,record_key,username\nJan Kowalski,+48 600 123 456,yes,,,\nCustomer of SO-10001,+48 600 123 457,no,order,SO-10001,\nDawid Driver,+48 600 123 458,yes,,,driver";
/** The problem codes of server/services/sms/contacts-import.ts this screen can say in its own words. */
const CODES = ["file", "columns", "name", "phone", "verified", "record", "user", "duplicate", "row"] as const;
type Code = (typeof CODES)[number];
const isKnownCode = (code: string): code is Code => (CODES as readonly string[]).includes(code);

/**
 * CSV import of SMS contacts, as the records' import works: paste or choose a file, Check shows
 * each line's problems, and Import stays off until a check of exactly this text found none. The
 * server checks again and imports every row or none; a number already known is updated.
 */
export function SmsImport() {
  const t = useTranslations("admin.sms.import");
  const problemText = useProblemText();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [csv, setCsv] = useState("");
  // The check belongs to the text it was made of; any edit makes it stale.
  const [checked, setChecked] = useState<{ csv: string; result: Check } | null>(null);
  const [done, setDone] = useState<{ created: number; updated: number } | null>(null);
  const check = useMutation(trpc.sms.checkImport.mutationOptions());
  const save = useMutation(trpc.sms.importContacts.mutationOptions());

  const current = checked?.csv === csv ? checked.result : null;
  const canImport = current !== null && current.problems.length === 0 && current.rows > 0 && !save.isPending;

  function edit(text: string) {
    setCsv(text);
    setDone(null);
    save.reset();
  }

  function runCheck() {
    const text = csv;
    setDone(null);
    check.mutate({ csv: text }, { onSuccess: (result) => setChecked({ csv: text, result }) });
  }

  function runImport() {
    if (!canImport) return;
    save.mutate(
      { csv },
      {
        onSuccess: (result) => {
          setDone(result);
          setChecked(null);
          void queryClient.invalidateQueries(trpc.sms.contacts.queryFilter());
        },
        // The server found what the check did not (a record went meanwhile): show it.
        onError: (error) => {
          if (isRefusal(error)) runCheck();
        },
      },
    );
  }

  const whole = current?.problems.filter((problem) => problem.line === null) ?? [];
  const lines = byLine(current?.problems ?? [], csv, problemText);
  return (
    <details className={sms.importPanel}>
      <summary>{t("open")}</summary>
      <div className={sms.importBody}>
        <ul className={styles.steps}>
          <li>{t("formatHeader")}</li>
          <li>{t("formatPhone")}</li>
          <li>{t("formatLimits")}</li>
          <li>
            <strong>{t("formatAllOrNothing")}</strong>
          </li>
        </ul>
        <pre className={styles.code} tabIndex={0} aria-label={t("example")}>
          {EXAMPLE}
        </pre>
        <h3 id={`${id}-csv-heading`} className={sms.subTitle}>
          {t("csv")}
        </h3>
        <CsvImportControls
          id={id}
          labelledBy={`${id}-csv-heading`}
          csv={csv}
          onEdit={edit}
          maxBytes={MAX_BYTES}
          placeholder={EXAMPLE}
          check={{ run: runCheck, isPending: check.isPending, error: check.error }}
          save={{ run: runImport, isPending: save.isPending, error: save.error }}
          canImport={canImport}
          words={{
            check: check.isPending ? t("checking") : t("check"),
            importCount: t("import", { count: current?.rows ?? 0 }),
            hint: current && current.problems.length > 0 ? t("fixFirst") : t("needsCheck"),
            fixFirst: t("fixFirst"),
            done: done ? t("done", done) : null,
          }}
          status={
            current ? (
              <p className={styles.status}>{current.problems.length === 0 ? t("allGood", { count: current.rows }) : t("problemCount", { count: current.problems.length })}</p>
            ) : null
          }
        >
          {whole.map((problem) => (
            <p key={problem.code} className="form-error" role="alert">
              {problemText(problem)}
            </p>
          ))}
          {lines.length > 0 ? <CsvProblems label={t("problemsTitle")} lines={lines} /> : null}
        </CsvImportControls>
      </div>
    </details>
  );
}

/** The problems found on lines, one entry per line with the line's own text to recognise it by. */
function byLine(problems: Problem[], csv: string, text: (problem: Problem) => string): LineProblems[] {
  const fileLines = csv.replace(/^\uFEFF/, "").split("\n");
  const lines = new Map<number, LineProblems>();
  for (const problem of problems) {
    if (problem.line === null) continue;
    const entry: LineProblems = lines.get(problem.line) ?? {
      line: problem.line,
      main: <span className={`${styles.mono} ${sms.csvLine}`}>{(fileLines[problem.line - 1] ?? "").replace(/\r$/, "")}</span>,
      problems: [],
    };
    entry.problems.push({ key: `${problem.code}-${entry.problems.length}`, text: text(problem) });
    lines.set(problem.line, entry);
  }
  return [...lines.values()].sort((a, b) => a.line - b.line);
}

/** A problem in the screen's language; the server's English for a code this screen does not know. */
function useProblemText() {
  const t = useTranslations("admin.sms.import.problem");
  // Only the codes whose words take parameters get them: "line" for a duplicate, "key" for a record, "username" for a person.
  return (problem: Problem) => (isKnownCode(problem.code) ? t(problem.code, { line: "", key: "", username: "", ...problem.params }) : problem.message);
}
