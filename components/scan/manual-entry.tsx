"use client";

import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { VERBATIM } from "~/components/ui/verbatim";

/** The server's limit (server/api/schemas/entity.ts); record keys are no longer. */
const MAX_CODE_LENGTH = 100;

/**
 * Type a record's code (a damaged label). A hardware scanner typing into this field works the
 * same way: its Enter submits the form.
 */
export function ManualEntry({ onSubmit, isPending }: { onSubmit: (code: string) => void; isPending: boolean }) {
  const t = useTranslations("scan.manual");
  const [code, setCode] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    if (code.trim()) onSubmit(code.trim());
  }

  return (
    <form className="stack" onSubmit={submit} aria-labelledby="scan-manual-heading">
      <h2 id="scan-manual-heading">{t("heading")}</h2>
      <label className="field">
        <span>{t("label")}</span>
        <input
          value={code}
          onChange={(e) => setCode(e.target.value)}
          {...VERBATIM}
          autoCapitalize="characters"
          inputMode="text"
          enterKeyHint="go"
          placeholder="SO-10042"
          maxLength={MAX_CODE_LENGTH}
          aria-describedby="scan-hint"
          data-scan-field=""
        />
      </label>
      <p id="scan-hint" className="muted">
        {t("hint")}
      </p>
      <button type="submit" className="button button-primary" disabled={!code.trim() || isPending}>
        {isPending ? t("opening") : t("open")}
      </button>
    </form>
  );
}
