"use client";

import { useSelectedLayoutSegment } from "next/navigation";
import type { ReactNode } from "react";
import styles from "./chats.module.css";

/**
 * Which pane a phone shows depends on whether something is open beside the list (a chat, or the
 * SMS contacts at /chats/sms); a tablet shows both.
 */
export function ChatsSplit({ list, children }: { list: ReactNode; children: ReactNode }) {
  const detail = useSelectedLayoutSegment();
  return (
    <div className={styles.split} data-has-chat={detail ? "true" : "false"}>
      <div className={styles.listColumn}>{list}</div>
      <div className={styles.detailColumn}>{children}</div>
    </div>
  );
}
