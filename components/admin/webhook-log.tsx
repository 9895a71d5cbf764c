"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./admin.module.css";
import { useRelativeTime } from "./relative-time";
import { ListSkeleton, LoadError } from "~/components/ui/list-state";

const STATE_STYLE = { pending: styles.badgeMuted, delivered: styles.badgeOk, failed: styles.badgeDanger } as const;

/** A webhook's latest deliveries: event, state, attempts, last answer, times; refreshed by hand. */
export function DeliveryLog({ webhookId }: { webhookId: string }) {
  const t = useTranslations("admin.webhooks.log");
  const trpc = useTRPC();
  const relative = useRelativeTime();
  // Fresh each time the log is opened; Refresh for later.
  const log = useQuery({ ...trpc.webhook.deliveries.queryOptions({ webhookId }), refetchOnMount: "always", staleTime: 0 });
  return (
    <div className={styles.log}>
      <div className={styles.itemHead}>
        <h4 className={styles.itemName}>{t("title")}</h4>
        <button type="button" className="button" onClick={() => void log.refetch()} disabled={log.isFetching}>
          {log.isFetching && !log.isPending ? t("refreshing") : t("refresh")}
        </button>
      </div>
      {log.isPending ? (
        <ListSkeleton count={2} />
      ) : log.isError ? (
        <LoadError onRetry={() => void log.refetch()} isRetrying={log.isFetching} />
      ) : log.data.length === 0 ? (
        <p className={styles.empty}>{t("empty")}</p>
      ) : (
        <ul className={styles.rows} aria-label={t("title")}>
          {log.data.map((delivery) => (
            <li key={delivery.id} className={`${styles.item} ${delivery.state === "failed" ? styles.rowBad : ""}`}>
              <div className={styles.itemHead}>
                <span className={styles.mono}>{delivery.event}</span>
                <span className={`${styles.badge} ${STATE_STYLE[delivery.state]}`}>{t(`state.${delivery.state}`)}</span>
              </div>
              <p className={styles.meta}>
                {t("attempts", { count: delivery.attempts })}
                {delivery.lastStatus !== null ? ` · ${t("status", { status: delivery.lastStatus })}` : null}
                {" · "}
                {t("queued", { when: relative(delivery.createdAt) })}
                {delivery.deliveredAt
                  ? ` · ${t("deliveredAt", { when: relative(delivery.deliveredAt) })}`
                  : delivery.state === "pending"
                    ? ` · ${t("nextAttempt", { when: relative(delivery.nextAttemptAt, { isFuture: true }) })}`
                    : null}
              </p>
              {delivery.lastError ? <p className={`${styles.meta} ${styles.danger}`}>{t("lastError", { error: delivery.lastError })}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
