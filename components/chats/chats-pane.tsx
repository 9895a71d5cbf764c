"use client";

import Link from "next/link";
import { type ReactNode, useId } from "react";
import styles from "./chats-pane.module.css";

/**
 * A screen under /chats that is not a chat (SMS contacts, History): on a phone it replaces the
 * list with a way back; on a tablet it is the pane beside the list. `header` sits under the
 * title in the sticky header (a note, a search box).
 */
export function ChatsPane({ title, backLabel, header, children }: { title: string; backLabel: string; header?: ReactNode; children: ReactNode }) {
  const headingId = useId();
  return (
    <section className={styles.screen} aria-labelledby={headingId}>
      <div className={styles.header}>
        <div className={styles.titleRow}>
          <Link href="/chats" className={`button button-quiet ${styles.back}`} aria-label={backLabel}>
            <span aria-hidden="true">←</span>
          </Link>
          <h1 id={headingId} className={styles.title}>
            {title}
          </h1>
        </div>
        {header}
      </div>
      <div className={styles.body}>{children}</div>
    </section>
  );
}
