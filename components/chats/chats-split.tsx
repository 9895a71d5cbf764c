"use client";

import dynamic from "next/dynamic";
import { useSelectedLayoutSegment } from "next/navigation";
import type { ReactNode } from "react";
import { useIsWide, useKeptChats } from "~/lib/chat/windows";
import { useCurrentUserId } from "~/lib/realtime/stream-provider";
import styles from "./chats.module.css";

// Wide screens only (phones never load them): which window has focus and which want attention,
// and, once a chat is kept open, the windows beside the picked one.
const WindowAttention = dynamic(() => import("./window-attention").then((m) => m.WindowAttention), { ssr: false });
const ChatDock = dynamic(() => import("./chat-dock").then((m) => m.ChatDock), { ssr: false });

const CHAT_SEGMENT = /^[0-9a-f-]{36}$/;

/**
 * Which pane a phone shows depends on whether something is open beside the list (a chat, or the
 * SMS contacts at /chats/sms); a tablet shows both; a wide screen (lib/chat/windows.ts) also
 * shows the chats kept open, as windows beside the picked one.
 */
export function ChatsSplit({ list, children }: { list: ReactNode; children: ReactNode }) {
  const detail = useSelectedLayoutSegment();
  const me = useCurrentUserId();
  const isWide = useIsWide();
  const kept = useKeptChats(me);
  const picked = detail && CHAT_SEGMENT.test(detail) ? detail : null;
  // The picked chat shows where it is picked, not twice.
  const docked = isWide ? kept.filter((chatId) => chatId !== picked) : [];
  return (
    <div className={styles.split} data-has-chat={detail ? "true" : "false"} data-windows={docked.length > 0 ? docked.length + (detail ? 1 : 0) : undefined}>
      <div className={styles.listColumn}>{list}</div>
      <div className={styles.detailColumn}>
        {/* Always this element, so a chat kept open beside it never remounts the picked one. */}
        <div className={styles.picked} data-empty={detail ? undefined : "true"}>
          {children}
        </div>
        {isWide ? <WindowAttention picked={picked} docked={docked} /> : null}
        {docked.length > 0 ? <ChatDock docked={docked} /> : null}
      </div>
    </div>
  );
}
