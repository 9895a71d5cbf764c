"use client";

import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { ListSkeleton, ListState, LoadError } from "~/components/ui/list-state";
import { SearchField } from "~/components/ui/search-field";
import { useTRPC } from "~/lib/trpc/client";
import { useDebounced } from "~/lib/use-debounced";
import { ChatsPane } from "~/components/chats/chats-pane";
import { ContactRow } from "./contact-row";
import styles from "./sms-contacts.module.css";

/**
 * PRODUCT.md C6: the people one may text, found by name, number or record; a tap opens the
 * contact's chat window (made on first open, shared by everyone who texts). Without the
 * permission, or with SMS not set up on the server, it says so instead of showing a list.
 */
export function SmsContacts() {
  const t = useTranslations("sms");
  const trpc = useTRPC();
  const router = useRouter();
  const [search, setSearch] = useState("");
  const q = useDebounced(search.trim(), 250);
  const me = useQuery(trpc.user.me.queryOptions());
  const mayText = me.data?.can.sms === true;
  const setup = useQuery({ ...trpc.sms.setup.queryOptions(), enabled: mayText });
  const isReady = mayText && setup.data?.configured === true;
  const contacts = useQuery({
    ...trpc.sms.contacts.queryOptions({ q: q || undefined }),
    enabled: isReady,
    // The last list stays on screen while the next search loads, instead of a skeleton per key.
    placeholderData: keepPreviousData,
  });
  const open = useMutation(trpc.sms.open.mutationOptions({ onSuccess: ({ chatId }) => router.push(`/chats/${chatId}`) }));
  // The permission can be taken away after user.me was read: the server's refusal says the same.
  const isForbidden = me.data?.can.sms === false || setup.error?.data?.code === "FORBIDDEN" || contacts.error?.data?.code === "FORBIDDEN";

  const setupId = useId();
  let body;
  if (isForbidden) body = <p className="note-box">{t("forbidden")}</p>;
  else if (me.isPending || setup.isPending) body = <ListSkeleton count={4} height={72} />;
  else if (me.isError || setup.isError) {
    body = (
      <LoadError
        whole
        onRetry={() => void Promise.all([me.refetch(), setup.refetch()])}
        isRetrying={me.isFetching || setup.isFetching}
      />
    );
  } else if (!setup.data.configured) {
    body = (
      <section className={`empty-state ${styles.setup}`} aria-labelledby={setupId}>
        <h2 id={setupId}>{t("notSetUpTitle")}</h2>
        <p className={styles.setupBody}>{t.rich("notSetUpBody", { code: (chunks) => <code>{chunks}</code> })}</p>
      </section>
    );
  } else {
    const found = contacts.data ?? [];
    body = (
      <>
        {open.error ? (
          <p className="form-error" role="alert">
            {t("openError", { reason: open.error.message })}
          </p>
        ) : null}
        <ListState
          query={contacts}
          isEmpty={found.length === 0}
          skeleton={<ListSkeleton count={4} height={72} />}
          empty={
            q ? (
              t("noMatch", { query: q })
            ) : (
              <>
                <strong className={styles.emptyTitle}>{t("emptyTitle")}</strong> {setup.data.canManage ? t("emptyAdmin") : t("emptyOthers")}
              </>
            )
          }
        >
          <ul className={styles.list} aria-label={t("listLabel")} aria-busy={contacts.isFetching && contacts.isPlaceholderData}>
            {found.map((contact) => (
              <li key={contact.id}>
                <ContactRow
                  contact={contact}
                  // Until the chat has replaced this screen: the mutation ends before the navigation does.
                  isOpening={(open.isPending || open.isSuccess) && open.variables?.contactId === contact.id}
                  disabled={open.isPending}
                  onOpen={() => open.mutate({ contactId: contact.id })}
                />
              </li>
            ))}
          </ul>
        </ListState>
      </>
    );
  }

  return (
    <ChatsPane
      title={t("title")}
      backLabel={t("back")}
      header={
        isReady && !isForbidden ? (
          <>
            {setup.data?.from ? <p className={styles.from}>{t("from", { from: setup.data.from })}</p> : null}
            <SearchField
              label={t("searchLabel")}
              clearLabel={t("clearSearch")}
              value={search}
              onChange={setSearch}
              placeholder={t("searchPlaceholder")}
              maxLength={100}
            />
          </>
        ) : null
      }
    >
      {body}
    </ChatsPane>
  );
}
