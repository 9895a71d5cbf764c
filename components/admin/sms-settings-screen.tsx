"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { Checkbox } from "~/components/ui/checkbox";
import { RadioRow } from "~/components/ui/radio-row";
import { Field, FieldError } from "~/components/ui/field";
import { ListSkeleton, LoadError } from "~/components/ui/list-state";
import { VERBATIM } from "~/components/ui/verbatim";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./admin.module.css";
import { WEEK_ORDER, minutesToTime, timeToMinutes, useWeekdayNames } from "./rota-time";
import { toggled } from "./form-parts";
import { isRefusal } from "./states";
import sms from "./sms.module.css";

type Settings = RouterOutputs["sms"]["settings"];
type Automated = Settings["automated"];

const AUTOMATED: Automated[] = ["show", "hide", "invalid_replies"];
const SEGMENTS = Array.from({ length: 10 }, (_, i) => i + 1);
/** Kept in step with ZSmsSettings in server/services/sms/settings.ts. */
const MAX_THRESHOLD = 1000;

/** What the form holds: text as typed, checked only when saved. */
type Draft = {
  isQuiet: boolean;
  weekdays: ReadonlySet<number>;
  from: string;
  to: string;
  automated: Automated;
  sharedRead: boolean;
  isCounting: boolean;
  threshold: string;
  maxSegments: number;
  titleFromRecord: boolean;
  titleField: string;
};

function toDraft(settings: Settings): Draft {
  const quiet = settings.quietWindow;
  return {
    isQuiet: quiet !== null,
    // A first window: the working week's day shift, when live chats are likely.
    weekdays: new Set(quiet?.weekdays ?? [1, 2, 3, 4, 5]),
    from: minutesToTime(quiet?.fromMinute ?? 8 * 60),
    to: minutesToTime((quiet?.toMinute ?? 16 * 60) % (24 * 60)),
    automated: settings.automated,
    sharedRead: settings.sharedRead,
    isCounting: settings.messageCounter !== null,
    threshold: String(settings.messageCounter?.threshold ?? 10),
    maxSegments: settings.maxSegments,
    titleFromRecord: settings.titleField !== null,
    titleField: settings.titleField ?? "",
  };
}

type Problems = Partial<Record<"weekdays" | "times" | "threshold" | "titleField", string>>;

/** How SMS windows behave on this site (PRODUCT.md C6): loaded, edited as a whole, saved as a whole. */
export function SmsSettingsScreen() {
  const trpc = useTRPC();
  // Fresh on every visit: another admin may have changed them.
  const settings = useQuery({ ...trpc.sms.settings.queryOptions(), refetchOnMount: "always" });
  if (settings.isPending) return <ListSkeleton count={4} height={140} />;
  if (settings.isError) return <LoadError whole onRetry={() => void settings.refetch()} isRetrying={settings.isFetching} />;
  return <SmsSettingsForm settings={settings.data} />;
}

function SmsSettingsForm({ settings }: { settings: Settings }) {
  const t = useTranslations("admin.sms.settings");
  const common = useTranslations("admin.common");
  const days = useWeekdayNames();
  const trpc = useTRPC();
  // Names the zone the window is read in (SITE_TIME_ZONE).
  const setup = useQuery(trpc.sms.setup.queryOptions());
  const queryClient = useQueryClient();
  const id = useId();
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings));
  const [problems, setProblems] = useState<Problems>({});
  const [isSaved, setSaved] = useState(false);
  const save = useMutation(
    trpc.sms.saveSettings.mutationOptions({
      onSuccess: () => {
        setSaved(true);
        void queryClient.invalidateQueries(trpc.sms.settings.queryFilter());
        // The composer's counter and segment warning come from the setup.
        void queryClient.invalidateQueries(trpc.sms.setup.queryFilter());
      },
    }),
  );

  function change(next: Partial<Draft>) {
    setDraft((current) => ({ ...current, ...next }));
    setSaved(false);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const from = timeToMinutes(draft.from);
    const to = timeToMinutes(draft.to);
    const threshold = Number(draft.threshold);
    const found: Problems = {};
    if (draft.isQuiet && draft.weekdays.size === 0) found.weekdays = t("chooseDay");
    if (draft.isQuiet && (from === null || to === null)) found.times = t("timesMissing");
    else if (draft.isQuiet && from === to) found.times = t("sameTimes");
    if (draft.isCounting && !(Number.isInteger(threshold) && threshold >= 1 && threshold <= MAX_THRESHOLD)) found.threshold = t("thresholdRange", { max: MAX_THRESHOLD });
    if (draft.titleFromRecord && !draft.titleField.trim()) found.titleField = t("titleFieldRequired");
    setProblems(found);
    const first = (["weekdays", "times", "threshold", "titleField"] as const).find((key) => found[key]);
    if (first) {
      document.getElementById(`${id}-${first}`)?.focus();
      return;
    }
    save.mutate({
      quietWindow:
        draft.isQuiet && from !== null && to !== null
          ? { weekdays: WEEK_ORDER.filter((day) => draft.weekdays.has(day)).sort((a, b) => a - b), fromMinute: from, toMinute: to === 0 ? 24 * 60 : to }
          : null,
      automated: draft.automated,
      sharedRead: draft.sharedRead,
      messageCounter: draft.isCounting ? { threshold } : null,
      maxSegments: draft.maxSegments,
      titleField: draft.titleFromRecord ? draft.titleField.trim() : null,
    });
  }

  return (
    <form className={styles.form} onSubmit={onSubmit} noValidate>
      <section className={styles.section} aria-labelledby={`${id}-quiet-title`}>
        <h2 id={`${id}-quiet-title`}>{t("quietTitle")}</h2>
        <p className={styles.hint}>{t("quietIntro")}</p>
        <Checkbox checked={draft.isQuiet} onChange={(isQuiet) => change({ isQuiet })}>
          {t("quietOn")}
        </Checkbox>
        {draft.isQuiet ? (
          <>
            <fieldset className={styles.fieldset} aria-describedby={problems.weekdays ? `${id}-weekdays-error` : undefined}>
              <legend id={`${id}-weekdays`} tabIndex={-1}>
                {t("days")}
              </legend>
              <div className={sms.days}>
                {WEEK_ORDER.map((day) => (
                  <Checkbox key={day} checked={draft.weekdays.has(day)} onChange={(isOn) => change({ weekdays: toggled(draft.weekdays, day, isOn) })}>
                    {days[day]}
                  </Checkbox>
                ))}
              </div>
              {problems.weekdays ? (
                <p id={`${id}-weekdays-error`} className={styles.fieldError}>
                  {problems.weekdays}
                </p>
              ) : null}
            </fieldset>
            <div className={styles.twoColumns}>
              {(["from", "to"] as const).map((end) => (
                <div key={end} className="field">
                  <label htmlFor={`${id}-${end === "from" ? "times" : "to"}`}>{t(end)}</label>
                  <input
                    id={`${id}-${end === "from" ? "times" : "to"}`}
                    className={styles.input}
                    type="time"
                    step={60}
                    value={draft[end]}
                    onChange={(event) => change({ [end]: event.target.value })}
                    required
                    aria-invalid={problems.times ? true : undefined}
                    aria-describedby={problems.times ? `${id}-times-hint ${id}-times-error` : `${id}-times-hint`}
                  />
                </div>
              ))}
            </div>
            <p id={`${id}-times-hint`} className={styles.hint}>
              {t("timeHint", { zone: setup.data?.siteTimeZone ?? "UTC" })}
            </p>
            <FieldError id={`${id}-times-error`} error={problems.times} />
          </>
        ) : null}
      </section>

      <section className={styles.section} aria-labelledby={`${id}-windows-title`}>
        <h2 id={`${id}-windows-title`}>{t("windowsTitle")}</h2>
        <Choices legend={t("automatedLegend")} hint={t("automatedHint")}>
          {AUTOMATED.map((option) => (
            <RadioRow
              key={option}
              name={`${id}-automated`}
              checked={draft.automated === option}
              onChange={() => change({ automated: option })}
              label={t(`automated.${option}`)}
              hint={t(`automatedExplain.${option}`)}
            />
          ))}
        </Choices>
        <Choices legend={t("readLegend")}>
          <RadioRow name={`${id}-read`} checked={!draft.sharedRead} onChange={() => change({ sharedRead: false })} label={t("readPerPerson")} hint={t("readPerPersonHint")} />
          <RadioRow name={`${id}-read`} checked={draft.sharedRead} onChange={() => change({ sharedRead: true })} label={t("readShared")} hint={t("readSharedHint")} />
        </Choices>
        <Choices legend={t("titleLegend")}>
          <RadioRow name={`${id}-title`} checked={!draft.titleFromRecord} onChange={() => change({ titleFromRecord: false })} label={t("titleName")} />
          <RadioRow
            name={`${id}-title`}
            checked={draft.titleFromRecord}
            onChange={() => change({ titleFromRecord: true })}
            label={t("titleRecord")}
            hint={t("titleRecordHint")}
          />
        </Choices>
        {draft.titleFromRecord ? (
          <Field id={`${id}-titleField`} label={t("titleField")} hint={t("titleFieldHint")} error={problems.titleField}>
            {(control) => (
              <input
                {...control}
                className={`${styles.input} ${styles.mono}`}
                value={draft.titleField}
                onChange={(event) => change({ titleField: event.target.value })}
                maxLength={100}
                {...VERBATIM}
                placeholder="customer_name"
              />
            )}
          </Field>
        ) : null}
      </section>

      <section className={styles.section} aria-labelledby={`${id}-costs-title`}>
        <h2 id={`${id}-costs-title`}>{t("costsTitle")}</h2>
        <Checkbox checked={draft.isCounting} onChange={(isCounting) => change({ isCounting })}>
          <span className={styles.checkText}>
            <span>{t("counterOn")}</span>
            <span className={sms.checkHint}>{t("counterHint")}</span>
          </span>
        </Checkbox>
        {draft.isCounting ? (
          <Field id={`${id}-threshold`} label={t("threshold")} hint={t("thresholdHint")} error={problems.threshold}>
            {(control) => (
              <input
                {...control}
                className={`${styles.input} ${sms.number}`}
                type="number"
                inputMode="numeric"
                min={1}
                max={MAX_THRESHOLD}
                step={1}
                value={draft.threshold}
                onChange={(event) => change({ threshold: event.target.value })}
              />
            )}
          </Field>
        ) : null}
        <Field id={`${id}-segments`} label={t("maxSegments")} hint={t("maxSegmentsHint")}>
          {(control) => (
            <select {...control} className={`${styles.select} ${sms.number}`} value={draft.maxSegments} onChange={(event) => change({ maxSegments: Number(event.target.value) })}>
              {SEGMENTS.map((count) => (
                <option key={count} value={count}>
                  {t("segments", { count })}
                </option>
              ))}
            </select>
          )}
        </Field>
      </section>

      <div className={sms.saveBar}>
        {save.isError ? (
          <p className="form-error" role="alert">
            {isRefusal(save.error) ? t("saveRefused", { reason: save.error.message }) : common("saveError")}
          </p>
        ) : null}
        <div role="status" className={sms.liveLine}>
          {isSaved ? <p className={`${styles.status} ${styles.statusOk}`}>{t("saved")}</p> : null}
        </div>
        <button type="submit" className={`button ${styles.primary} ${sms.saveButton}`} disabled={save.isPending}>
          {save.isPending ? t("saving") : t("save")}
        </button>
      </div>
    </form>
  );
}

function Choices({ legend, hint, children }: { legend: string; hint?: string; children: ReactNode }) {
  const id = useId();
  return (
    <fieldset className={sms.choices} aria-describedby={hint ? `${id}-hint` : undefined}>
      <legend>{legend}</legend>
      {hint ? (
        <p id={`${id}-hint`} className={styles.hint}>
          {hint}
        </p>
      ) : null}
      {children}
    </fieldset>
  );
}
