"use client";

import { skipToken, useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { StatusMark, presenceOf } from "~/components/people/presence";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./conversation.module.css";

/**
 * Under a direct chat's title: whether the other person is online (their status while they
 * are, kept live by lib/people/people-cache.ts) and the day the chat started.
 */
export function DirectLine({ otherId, startedAt }: { otherId: string | null; startedAt: Date }) {
  const t = useTranslations("conversation");
  const tPeople = useTranslations("people");
  const format = useFormatter();
  const trpc = useTRPC();
  const person = useQuery(trpc.people.get.queryOptions(otherId ? { userId: otherId } : skipToken));
  const presence = person.data ? presenceOf(person.data) : null;
  return (
    <>
      {presence ? (
        <span className={styles.presence} data-testid="direct-presence" data-presence={presence}>
          <StatusMark presence={presence} />
          {tPeople(`presence.${presence}`)}
        </span>
      ) : null}
      <span>{t("startedOn", { date: format.dateTime(startedAt, { day: "numeric", month: "short", year: "numeric" }) })}</span>
    </>
  );
}
