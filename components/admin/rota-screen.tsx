"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, useId, useState } from "react";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./admin.module.css";
import { type DayChoice, WEEK_ORDER, minutesToTime, shiftWindows, timeToMinutes, useWeekdayNames } from "./rota-time";
import { OnDutyNow } from "./rotas-screen";
import { isRefusal } from "./states";
import { InlineConfirm } from "~/components/ui/inline-confirm";
import { ListSkeleton, LoadError } from "~/components/ui/list-state";
import { Icon } from "~/components/ui/icon";

type Detail = RouterOutputs["rota"]["get"];
type Shift = Detail["rota"]["shifts"][number];

/** One rota: who is on duty now, its weekly shifts per person, adding and removing shifts, deleting it. */
export function RotaScreen({ rotaId }: { rotaId: string }) {
  const t = useTranslations("admin.rotas.detail");
  const trpc = useTRPC();
  const detail = useQuery({ ...trpc.rota.get.queryOptions({ id: rotaId }), refetchOnMount: "always" });

  let body;
  if (detail.isPending) {
    body = <ListSkeleton count={2} />;
  } else if (detail.isError) {
    body = isRefusal(detail.error) ? (
      <p className={styles.empty}>{t("notFound")}</p>
    ) : (
      <LoadError onRetry={() => void detail.refetch()} isRetrying={detail.isFetching} />
    );
  } else {
    body = <RotaDetail detail={detail.data} />;
  }

  return (
    <main className={`page ${styles.page}`}>
      <header className={styles.header}>
        <Link href="/admin/rotas" className={styles.back}>
          <Icon name="back" size={20} weight={2.2} />
          {t("back")}
        </Link>
        <h1 className={`${styles.title} ${styles.mono}`}>{detail.data ? detail.data.rota.name : "…"}</h1>
        {detail.data ? <p className={styles.intro}>{t("summary", { group: detail.data.rota.groupName, timeZone: detail.data.rota.timeZone })}</p> : null}
      </header>
      {body}
    </main>
  );
}

function RotaDetail({ detail }: { detail: Detail }) {
  const t = useTranslations("admin.rotas.detail");
  const { rota } = detail;
  const people = [...new Map(rota.shifts.map((s) => [s.userId, s.userName])).entries()];
  return (
    <>
      <OnDutyNow rota={rota} />
      <section className={styles.section} aria-labelledby="rota-shifts">
        <h2 id="rota-shifts">{t("shifts")}</h2>
        {people.length === 0 ? (
          <p className={styles.empty}>{t("noShifts")}</p>
        ) : (
          people.map(([userId, name]) => (
            <div key={userId} className={styles.person}>
              <h3>{name}</h3>
              <ul className={styles.rows} aria-label={name}>
                {groupShifts(rota.shifts.filter((s) => s.userId === userId)).map((group) => (
                  <ShiftRow key={group.key} rotaId={rota.id} group={group} />
                ))}
              </ul>
            </div>
          ))
        )}
      </section>
      <AddShiftForm detail={detail} />
      <DeleteRota rotaId={rota.id} name={rota.name} />
    </>
  );
}

/** A person's shifts with the same hours on several days, shown and removed as one. */
type ShiftGroup = { key: string; weekdays: number[]; fromMinute: number; toMinute: number; ids: string[]; userName: string };

function groupShifts(shifts: Shift[]): ShiftGroup[] {
  const groups = new Map<string, ShiftGroup>();
  for (const shift of shifts) {
    const key = `${shift.fromMinute}-${shift.toMinute}`;
    const group = groups.get(key) ?? { key, weekdays: [], fromMinute: shift.fromMinute, toMinute: shift.toMinute, ids: [], userName: shift.userName };
    group.weekdays.push(shift.weekday);
    group.ids.push(shift.id);
    groups.set(key, group);
  }
  const firstDay = (group: ShiftGroup) => Math.min(...group.weekdays.map((day) => WEEK_ORDER.indexOf(day)));
  return [...groups.values()]
    .map((group) => ({ ...group, weekdays: [...new Set(group.weekdays)].sort((a, b) => WEEK_ORDER.indexOf(a) - WEEK_ORDER.indexOf(b)) }))
    .sort((a, b) => firstDay(a) - firstDay(b) || a.fromMinute - b.fromMinute);
}

/** "Every day", "Monday to Friday", or the days' names. */
function useDaysLabel() {
  const t = useTranslations("admin.rotas.detail");
  const days = useWeekdayNames();
  return (weekdays: number[]) => {
    if (weekdays.length === 7) return t("everyDay");
    if (weekdays.join() === "1,2,3,4,5") return t("weekdays");
    return weekdays.map((day) => days[day]).join(", ");
  };
}

function ShiftRow({ rotaId, group }: { rotaId: string; group: ShiftGroup }) {
  const t = useTranslations("admin.rotas.detail");
  const daysLabel = useDaysLabel();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.rota.removeShifts.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.rota.get.queryFilter({ id: rotaId })),
    }),
  );
  const windowText = t("window", { day: daysLabel(group.weekdays), from: minutesToTime(group.fromMinute), to: minutesToTime(group.toMinute) });
  return (
    <li className={styles.shift}>
      <span className={styles.shiftText}>
        {daysLabel(group.weekdays)} <span className={styles.hours}>{`${minutesToTime(group.fromMinute)}–${minutesToTime(group.toMinute)}`}</span>
      </span>
      <button
        type="button"
        className={`button ${styles.dangerButton}`}
        aria-label={t("removeLabel", { window: windowText, name: group.userName })}
        disabled={remove.isPending}
        onClick={() => remove.mutate({ rotaId, shiftIds: group.ids })}
      >
        {t("remove")}
      </button>
      {remove.isError ? (
        <p className={`${styles.fieldError} ${styles.shiftError}`} role="alert">
          {t("removeError")}
        </p>
      ) : null}
    </li>
  );
}

function AddShiftForm({ detail }: { detail: Detail }) {
  const t = useTranslations("admin.rotas.detail");
  const common = useTranslations("admin.common");
  const days = useWeekdayNames();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [userId, setUserId] = useState("");
  const [day, setDay] = useState<DayChoice>("weekdays");
  const [from, setFrom] = useState("08:00");
  const [to, setTo] = useState("16:00");
  const [problem, setProblem] = useState<string | null>(null);
  const add = useMutation(
    trpc.rota.addShifts.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.rota.get.queryFilter({ id: detail.rota.id })),
    }),
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const start = timeToMinutes(from);
    const end = timeToMinutes(to);
    if (!userId) return setProblem(t("choosePerson"));
    const windows = start === null || end === null ? null : shiftWindows(day, start, end);
    if (!windows) return setProblem(t("sameTimes"));
    setProblem(null);
    add.mutate({ rotaId: detail.rota.id, shifts: windows.map((w) => ({ ...w, userId })) });
  }

  if (detail.candidates.length === 0) {
    return <p className={styles.empty}>{t("noCandidates", { group: detail.rota.groupName })}</p>;
  }
  return (
    <section className={styles.section} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("addTitle")}</h2>
      <form className={styles.form} onSubmit={onSubmit} noValidate>
        <div className={styles.twoColumns}>
          <div className="field">
            <label htmlFor={`${id}-person`}>{t("person")}</label>
            <select id={`${id}-person`} className={styles.select} value={userId} onChange={(event) => setUserId(event.target.value)}>
              <option value="">{t("choosePerson")}</option>
              {detail.candidates.map((person) => (
                <option key={person.id} value={person.id}>
                  {person.name}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-day`}>{t("day")}</label>
            <select id={`${id}-day`} className={styles.select} value={day} onChange={(event) => setDay(event.target.value as DayChoice)}>
              <option value="weekdays">{t("weekdays")}</option>
              <option value="all">{t("everyDay")}</option>
              {WEEK_ORDER.map((weekday) => (
                <option key={weekday} value={String(weekday)}>
                  {days[weekday]}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-from`}>{t("from")}</label>
            <input id={`${id}-from`} className={styles.input} type="time" step={60} value={from} onChange={(event) => setFrom(event.target.value)} required aria-describedby={`${id}-hint`} />
          </div>
          <div className="field">
            <label htmlFor={`${id}-to`}>{t("to")}</label>
            <input id={`${id}-to`} className={styles.input} type="time" step={60} value={to} onChange={(event) => setTo(event.target.value)} required aria-describedby={`${id}-hint`} />
          </div>
        </div>
        <p id={`${id}-hint`} className={styles.hint}>
          {t("timeHint")}
        </p>
        {problem ? (
          <p className="form-error" role="alert">
            {problem}
          </p>
        ) : null}
        {add.isError ? (
          <p className="form-error" role="alert">
            {isRefusal(add.error) ? add.error.message : common("saveError")}
          </p>
        ) : null}
        <button type="submit" className={`button ${styles.primary}`} disabled={add.isPending}>
          {add.isPending ? t("adding") : t("add")}
        </button>
      </form>
    </section>
  );
}

function DeleteRota({ rotaId, name }: { rotaId: string; name: string }) {
  const t = useTranslations("admin.rotas.detail");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const [isConfirming, setConfirming] = useState(false);
  const remove = useMutation(
    trpc.rota.delete.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries(trpc.rota.list.queryFilter());
        router.push("/admin/rotas");
      },
    }),
  );
  if (!isConfirming) {
    return (
      <button type="button" className={`button ${styles.dangerButton} ${styles.linkButton}`} onClick={() => setConfirming(true)}>
        {t("delete")}
      </button>
    );
  }
  return (
    <InlineConfirm
      className={styles.section}
      question={t("confirmDelete", { name })}
      error={remove.isError ? t("deleteError") : null}
      isPending={remove.isPending}
      confirmLabel={t("confirmDeleteYes")}
      pendingLabel={t("deleting")}
      onConfirm={() => remove.mutate({ id: rotaId })}
      onCancel={() => setConfirming(false)}
    />
  );
}
