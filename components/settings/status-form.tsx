"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { type FormEvent, useId, useState } from "react";
import { type Presence, StatusMark } from "~/components/people/presence";
import { RadioRow } from "~/components/ui/radio-row";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./status-form.module.css";
import { STATUS_TEXT_MAX_LENGTH } from "~/contracts/limits";

type Status = "available" | "busy" | "away" | "invisible" | "unavailable";

const STATUSES: { status: Status; mark: Presence; explained: boolean }[] = [
  { status: "available", mark: "online", explained: false },
  { status: "busy", mark: "busy", explained: false },
  { status: "away", mark: "away", explained: false },
  { status: "invisible", mark: "invisible", explained: true },
  { status: "unavailable", mark: "unavailable", explained: true },
];

/** My status and status text (PRODUCT.md P2), saved together with one button. */
export function StatusForm({ initialStatus, initialText }: { initialStatus: Status; initialText: string }) {
  const t = useTranslations("me.status");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [status, setStatus] = useState<Status>(initialStatus);
  const [text, setText] = useState(initialText);
  const save = useMutation(
    trpc.people.setStatus.mutationOptions({
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.user.me.queryKey(), (me) => (me ? { ...me, ...saved } : me));
        setText(saved.statusText);
      },
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    save.mutate({ status, statusText: text.trim() });
  }

  // The "saved" note stays only while what is on screen is what was saved.
  const isSaved = save.isSuccess && save.data.status === status && save.data.statusText === text.trim();
  const remaining = STATUS_TEXT_MAX_LENGTH - text.length;

  return (
    <form className={styles.form} onSubmit={onSubmit}>
      <fieldset className={styles.options}>
        <legend className="sr-only">{t("legend")}</legend>
        {STATUSES.map((option) => (
          <RadioRow
            key={option.status}
            name="status"
            value={option.status}
            className={styles.option}
            checked={status === option.status}
            onChange={() => setStatus(option.status)}
            before={<StatusMark presence={option.mark} className={styles.mark} />}
            label={t(`option.${option.status}`)}
            hint={option.explained ? t(`explain.${option.status}`) : undefined}
          />
        ))}
      </fieldset>

      <div className={styles.textField}>
        <label htmlFor={`${id}-text`} className={styles.textLabel}>
          {t("textLabel")}
        </label>
        <input
          id={`${id}-text`}
          name="statusText"
          className={styles.textInput}
          value={text}
          onChange={(event) => setText(event.target.value)}
          maxLength={STATUS_TEXT_MAX_LENGTH}
          placeholder={t("textPlaceholder")}
          autoComplete="off"
          enterKeyHint="done"
          aria-describedby={`${id}-count`}
        />
        <span id={`${id}-count`} className={`${styles.counter} ${remaining <= 10 ? styles.counterNear : ""}`}>
          {t("counter", { count: text.length, max: STATUS_TEXT_MAX_LENGTH })}
        </span>
      </div>

      <div className={styles.actions}>
        <div role="status" className={styles.feedback}>
          {isSaved ? (
            <span className={styles.saved}>
              <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
                <path d="M5 12.5l4.5 4.5L19 7.5" fill="none" stroke="currentColor" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
              </svg>
              {t("saved")}
            </span>
          ) : null}
        </div>
        {save.isError ? (
          <p className={`form-error ${styles.error}`} role="alert">
            {t("error")}
          </p>
        ) : null}
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? t("saving") : t("save")}
        </button>
      </div>
    </form>
  );
}
