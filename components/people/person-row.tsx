"use client";

import { useTranslations } from "next-intl";
import type { Person } from "~/lib/trpc/types";
import { Avatar, presenceOf } from "./presence";
import { PresenceLine } from "./presence-line";
import styles from "./person-row.module.css";

/** One person in the list; the whole row is one large button that opens their card. */
export function PersonRow({ person, isMe, onOpen }: { person: Person; isMe: boolean; onOpen: () => void }) {
  const t = useTranslations("people");
  // My own presence event never comes back to me (the server sends it to others), and I am here.
  const presence = presenceOf(isMe ? { ...person, online: true } : person);
  return (
    <button
      type="button"
      className={styles.row}
      onClick={onOpen}
      aria-haspopup="dialog"
      data-testid="person-row"
      data-online={isMe || person.online}
    >
      <Avatar name={person.name} />
      <span className={styles.body}>
        <span className={styles.nameLine}>
          <span className={styles.name}>{person.name}</span>
          {isMe ? <span className={styles.tag}>{t("you")}</span> : null}
          {person.role !== "worker" ? <span className={styles.role}>{t(`role.${person.role}`)}</span> : null}
        </span>
        <PresenceLine presence={presence} statusText={person.statusText} lastActiveAt={person.lastActiveAt} />
      </span>
      <svg className={styles.chevron} viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
        <path d="M9 5l7 7-7 7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </button>
  );
}
