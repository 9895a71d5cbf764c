"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { useTranslations } from "next-intl";
import { useChatRequests } from "~/lib/chat/chat-requests";
import { isOpenChat } from "~/lib/chat/open-chats";
import { useTRPC } from "~/lib/trpc/client";
import { Icon, type IconName } from "~/components/ui/icon";
import styles from "./app-nav.module.css";

type Tab = { href: string; label: "chats" | "scan" | "manager" | "people" | "me"; icon: IconName };

const TABS: Tab[] = [
  { href: "/chats", label: "chats", icon: "chats" },
  { href: "/scan", label: "scan", icon: "scan" },
  { href: "/manager", label: "manager", icon: "manager" },
  { href: "/people", label: "people", icon: "people" },
  { href: "/settings", label: "me", icon: "me" },
];

export function useTotalUnread(): number {
  const trpc = useTRPC();
  const chats = useQuery(trpc.chat.list.queryOptions());
  // A closed chat is done with: what is unread there waits in History, not on the badge.
  return (chats.data ?? []).reduce((sum, chat) => sum + (chat.muted || !isOpenChat(chat) ? 0 : chat.unread), 0);
}

/** Bottom tab bar on phones (in thumb reach), a side rail from tablet width up. */
export function AppNav({ isManager }: { isManager: boolean }) {
  const t = useTranslations("nav");
  const pathname = usePathname();
  const unread = useTotalUnread();
  // Someone wants to chat (chat-request-alert.tsx): the Chats tab flashes until it is answered.
  const isCalled = useChatRequests().length > 0;
  return (
    <nav className={styles.nav} aria-label={t("label")}>
      {TABS.filter((tab) => isManager || tab.label !== "manager").map((tab) => {
        // The admin screens are reached from Me, and Search from the chat list: their tabs stay lit.
        const isActive =
          pathname === tab.href ||
          pathname.startsWith(`${tab.href}/`) ||
          (tab.label === "me" && pathname.startsWith("/admin")) ||
          (tab.label === "chats" && pathname === "/search");
        return (
          <Link key={tab.href} href={tab.href} className={styles.tab} aria-current={isActive ? "page" : undefined}>
            <span className={styles.iconWrap} data-called={tab.label === "chats" && isCalled ? "true" : undefined}>
              <Icon name={tab.icon} />
              {tab.label === "chats" && unread > 0 ? (
                <span className={styles.badge} aria-hidden="true">
                  {unread > 99 ? "99+" : unread}
                </span>
              ) : null}
            </span>
            <span className={styles.label}>{t(tab.label)}</span>
            {tab.label === "chats" && unread > 0 ? <span className="sr-only">{t("unread", { count: unread })}</span> : null}
            {tab.label === "chats" && isCalled ? <span className="sr-only">{t("wantsToChat")}</span> : null}
          </Link>
        );
      })}
    </nav>
  );
}
