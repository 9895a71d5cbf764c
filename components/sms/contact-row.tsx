"use client";

import { useTranslations } from "next-intl";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./sms-contacts.module.css";

type Contact = RouterOutputs["sms"]["contacts"][number];

/** One contact: the whole row is one large button that opens their chat window. */
export function ContactRow({ contact, isOpening, disabled, onOpen }: { contact: Contact; isOpening: boolean; disabled: boolean; onOpen: () => void }) {
  const t = useTranslations("sms");
  const tChats = useTranslations("chats");
  return (
    <button type="button" className={styles.row} onClick={onOpen} disabled={disabled} aria-busy={isOpening || undefined}>
      <span className={styles.initial} aria-hidden="true">
        {contact.name.slice(0, 1).toLocaleUpperCase()}
      </span>
      <span className={styles.main}>
        <span className={styles.top}>
          <span className={styles.name}>{contact.name}</span>
          {contact.unread > 0 ? (
            <span className={styles.unread}>
              <span aria-hidden="true">{contact.unread > 99 ? "99+" : contact.unread}</span>
              <span className="sr-only">{tChats("unread", { count: contact.unread })}</span>
            </span>
          ) : null}
        </span>
        <span className={styles.details}>
          <span className={styles.phone}>{contact.phoneDisplay}</span>
          {contact.record ? (
            <span className={styles.badge}>
              {contact.record.type} {contact.record.key}
            </span>
          ) : null}
          {contact.optedOut ? <span className={styles.optedOut}>{t("optedOut")}</span> : null}
        </span>
        {isOpening ? (
          <span className={styles.opening} role="status">
            {t("opening")}
          </span>
        ) : null}
      </span>
      <svg className={styles.chevron} viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" focusable="false">
        <path d="M9 5l7 7-7 7" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
    </button>
  );
}
