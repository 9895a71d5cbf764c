"use client";

import { keepPreviousData, useInfiniteQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useId, useState } from "react";
import { smsLogCsv } from "~/contracts/sms-log";
import { SMS_STATUSES, type SmsStatus } from "~/contracts/sms";
import { Checkbox } from "~/components/ui/checkbox";
import { Field } from "~/components/ui/field";
import { ListSkeleton, ListState, StaleProblem } from "~/components/ui/list-state";
import { SearchField } from "~/components/ui/search-field";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterInputs, RouterOutputs } from "~/lib/trpc/types";
import { useDebounced } from "~/lib/use-debounced";
import styles from "./admin.module.css";
import sms from "./sms.module.css";

type Entry = RouterOutputs["sms"]["log"]["entries"][number];
type Filter = RouterInputs["sms"]["log"];

const PAGE = 50;
const STATUS_STYLE: Record<SmsStatus, string | undefined> = {
  queued: styles.badgeMuted,
  sending: styles.badgeMuted,
  sent: styles.badgeOk,
  delivered: styles.badgeOk,
  received: styles.badgeMuted,
  failed: styles.badgeDanger,
  undelivered: styles.badgeDanger,
};
const isStatus = (status: string): status is SmsStatus => (SMS_STATUSES as readonly string[]).includes(status);

/**
 * The messaging log (PRODUCT.md C6): every SMS in and out, newest first, filtered, a page at a
 * time ("Load more" asks for the entries before the last one shown), and what is shown as CSV.
 */
export function SmsLogScreen() {
  const t = useTranslations("admin.sms.log");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [direction, setDirection] = useState<"" | "in" | "out">("");
  const [status, setStatus] = useState<"" | SmsStatus>("");
  const [contactText, setContactText] = useState("");
  const [isAutomatedOnly, setAutomatedOnly] = useState(false);
  const contact = useDebounced(contactText.trim(), 250);
  const filter: Filter = {
    direction: direction || undefined,
    status: status || undefined,
    contact: contact || undefined,
    automated: isAutomatedOnly ? true : undefined,
  };
  const log = useInfiniteQuery({
    queryKey: ["admin", "sms-log", filter],
    queryFn: ({ pageParam }) => queryClient.fetchQuery({ ...trpc.sms.log.queryOptions({ ...filter, before: pageParam, limit: PAGE }), staleTime: 0 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => (last.hasMore ? last.entries.at(-1)?.id : undefined),
    // The last entries stay on screen while another filter loads, instead of a flash of nothing.
    placeholderData: keepPreviousData,
    refetchOnMount: "always",
  });
  const entries = log.data?.pages.flatMap((page) => page.entries) ?? [];
  const isFiltered = Boolean(direction || status || contact || isAutomatedOnly);

  function download() {
    const url = URL.createObjectURL(new Blob([smsLogCsv(entries)], { type: "text/csv;charset=utf-8" }));
    const link = document.createElement("a");
    link.href = url;
    link.download = `sms-log-${new Date().toISOString().slice(0, 10)}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
    // The download has its own copy by now; the URL is only a handle to the Blob.
    setTimeout(() => URL.revokeObjectURL(url), 0);
  }

  return (
    <>
      <section className={styles.section} aria-labelledby={`${id}-filters`}>
        <h2 id={`${id}-filters`}>{t("filters")}</h2>
        <div className={styles.twoColumns}>
          <Field id={`${id}-direction`} label={t("direction")}>
            {(control) => (
              <select {...control} className={styles.select} value={direction} onChange={(event) => setDirection(event.target.value as typeof direction)}>
                <option value="">{t("anyDirection")}</option>
                <option value="in">{t("directionIn")}</option>
                <option value="out">{t("directionOut")}</option>
              </select>
            )}
          </Field>
          <Field id={`${id}-status`} label={t("status")}>
            {(control) => (
              <select {...control} className={styles.select} value={status} onChange={(event) => setStatus(event.target.value as typeof status)}>
                <option value="">{t("anyStatus")}</option>
                {SMS_STATUSES.map((option) => (
                  <option key={option} value={option}>
                    {t(`state.${option}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <SearchField label={t("contact")} clearLabel={t("clearContact")} value={contactText} onChange={setContactText} placeholder={t("contactPlaceholder")} maxLength={100} />
        <Checkbox checked={isAutomatedOnly} onChange={setAutomatedOnly}>
          {t("automatedOnly")}
        </Checkbox>
      </section>

      <section className={styles.section} aria-labelledby={`${id}-list`}>
        <div className={sms.listHead}>
          <h2 id={`${id}-list`}>{t("list")}</h2>
          <button type="button" className="button" onClick={download} disabled={entries.length === 0}>
            {t("download", { count: entries.length })}
          </button>
        </div>
        {log.isError && entries.length > 0 ? <StaleProblem message={t("loadError")} query={log} /> : null}
        <ListState
          query={{ isPending: log.isPending, isError: log.isError && entries.length === 0, isFetching: log.isFetching, refetch: log.refetch }}
          isEmpty={entries.length === 0}
          empty={isFiltered ? t("noMatch") : t("empty")}
          skeleton={<ListSkeleton count={3} height={120} />}
        >
          <ol className={styles.list} aria-labelledby={`${id}-list`} aria-busy={log.isFetching && log.isPlaceholderData}>
            {entries.map((entry) => (
              <SmsLogItem key={entry.id} entry={entry} />
            ))}
          </ol>
          <p className={styles.hint}>{t("shown", { count: entries.length })}</p>
          {log.hasNextPage ? (
            <button type="button" className={`button ${sms.moreButton}`} onClick={() => void log.fetchNextPage()} disabled={log.isFetchingNextPage}>
              {log.isFetchingNextPage ? t("loadingMore") : t("loadMore")}
            </button>
          ) : null}
        </ListState>
      </section>
    </>
  );
}

function SmsLogItem({ entry }: { entry: Entry }) {
  const t = useTranslations("admin.sms.log");
  const format = useFormatter();
  const isOut = entry.direction === "out";
  const error = [entry.errorCode, entry.errorMessage].filter(Boolean).join(" ");
  return (
    <li className={`${styles.item} ${error ? styles.rowBad : ""}`}>
      <div className={sms.entryHead}>
        <span className={sms.direction} data-direction={entry.direction}>
          <span aria-hidden="true">{isOut ? "↗" : "↙"}</span> {isOut ? t("out") : t("in")}
        </span>
        <time dateTime={entry.at.toISOString()} className={sms.time}>
          {format.dateTime(entry.at, { dateStyle: "medium", timeStyle: "short" })}
        </time>
        <span className={`${styles.badge} ${isStatus(entry.status) ? STATUS_STYLE[entry.status] : styles.badgeMuted}`}>
          {isStatus(entry.status) ? t(`state.${entry.status}`) : entry.status}
        </span>
      </div>
      <p className={styles.itemName}>
        {entry.contact.name} {entry.contact.name !== entry.contact.phoneDisplay ? <span className={`${styles.mono} ${sms.phone}`}>{entry.contact.phoneDisplay}</span> : null}
      </p>
      <p className={sms.body}>{entry.body}</p>
      <p className={styles.meta}>
        {t("segments", { count: entry.segments })}
        {entry.sentBy ? ` · ${entry.automated ? t("sentByScript", { name: entry.sentBy }) : t("sentBy", { name: entry.sentBy })}` : null}
        {entry.automated && !entry.sentBy ? ` · ${t("automated")}` : null}
      </p>
      {error ? <p className={`${styles.meta} ${styles.danger}`}>{t("error", { error })}</p> : null}
    </li>
  );
}
