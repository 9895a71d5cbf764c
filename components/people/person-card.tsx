"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useId, useRef } from "react";
import { useTRPC } from "~/lib/trpc/client";
import type { Person } from "~/lib/trpc/types";
import { Avatar, presenceOf } from "./presence";
import { PresenceLine } from "./presence-line";
import styles from "./person-card.module.css";
import { Icon } from "~/components/ui/icon";

/**
 * The user card (PRODUCT.md P3) as a modal sheet: a bottom sheet on phones, a centred card on
 * tablets. The native <dialog> traps focus, closes on Escape and returns focus to the row.
 */
export function PersonCard({ person, isMe, onClose }: { person: Person; isMe: boolean; onClose: () => void }) {
  const t = useTranslations("people");
  const trpc = useTRPC();
  const router = useRouter();
  const dialogRef = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const card = useQuery(trpc.people.get.queryOptions({ userId: person.id }));
  const openDirect = useMutation(
    trpc.chat.openDirect.mutationOptions({ onSuccess: (chat) => router.push(`/chats/${chat.id}`) }),
  );
  const presence = presenceOf(isMe ? { ...person, online: true } : person);

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);

  const close = () => dialogRef.current?.close();

  return (
    <dialog
      ref={dialogRef}
      className={styles.sheet}
      aria-labelledby={titleId}
      onClose={onClose}
      // A tap on the dimmed backdrop (the dialog element itself, outside the content) closes it.
      onClick={(event) => {
        if (event.target === event.currentTarget) close();
      }}
    >
      <div className={styles.content} data-testid="person-card">
        <div className={styles.head}>
          <Avatar name={person.name} size="large" />
          <div className={styles.who}>
            <h2 id={titleId} className={styles.name}>
              {person.name}
            </h2>
            <p className={styles.meta}>
              {t(`role.${person.role}`)}
              {person.username ? (
                <>
                  <span aria-hidden="true"> · </span>@{person.username}
                </>
              ) : null}
            </p>
          </div>
          <button type="button" className={styles.close} onClick={close} aria-label={t("close")}>
            <Icon name="close" weight={2.2} />
          </button>
        </div>

        <section className={styles.section} aria-labelledby={`${titleId}-status`}>
          <h3 id={`${titleId}-status`} className={styles.heading}>
            {t("statusHeading")}
          </h3>
          <PresenceLine presence={presence} statusText="" lastActiveAt={person.lastActiveAt} />
          {person.statusText ? <p className={styles.statusText}>{person.statusText}</p> : null}
        </section>

        <section className={styles.section} aria-labelledby={`${titleId}-groups`}>
          <h3 id={`${titleId}-groups`} className={styles.heading}>
            {t("groupsHeading")}
          </h3>
          {card.isPending ? (
            <div className={styles.chips} role="status" aria-busy="true">
              <span className="sr-only">{t("loadingCard")}</span>
              <span className={`${styles.chip} ${styles.chipSkeleton}`} aria-hidden="true" />
              <span className={`${styles.chip} ${styles.chipSkeleton}`} aria-hidden="true" />
            </div>
          ) : card.isError ? (
            <div className={styles.problem} role="alert">
              <span>{t("cardError")}</span>
              <button type="button" className="button" onClick={() => void card.refetch()} disabled={card.isFetching}>
                {t("retry")}
              </button>
            </div>
          ) : card.data.groups.length === 0 ? (
            <p className={styles.none}>{t("noGroups")}</p>
          ) : (
            <ul className={styles.chips}>
              {card.data.groups.map((group) => (
                <li key={group.id} className={styles.chip}>
                  {group.name}
                </li>
              ))}
            </ul>
          )}
        </section>

        <div className={styles.actions}>
          {openDirect.isError ? (
            <p className={styles.problemInline} role="alert">
              {t("messageError")}
            </p>
          ) : null}
          {isMe ? (
            <Link href="/settings" className={`button button-primary ${styles.linkButton}`}>
              {t("setMyStatus")}
            </Link>
          ) : (
            <button
              type="button"
              className="button button-primary"
              disabled={openDirect.isPending || openDirect.isSuccess}
              onClick={() => openDirect.mutate({ userIds: [person.id] })}
            >
              {openDirect.isPending || openDirect.isSuccess ? t("opening") : t("message")}
            </button>
          )}
        </div>
      </div>
    </dialog>
  );
}
