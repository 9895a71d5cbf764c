"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useEffect, useId, useRef, useState } from "react";
import { AdminList } from "~/components/ui/admin-list";
import { SearchField } from "~/components/ui/search-field";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import { useDebounced } from "~/lib/use-debounced";
import styles from "./admin.module.css";
import { SmsContactForm } from "./sms-contact-form";
import { SmsImport } from "./sms-import";
import sms from "./sms.module.css";

type Contact = RouterOutputs["sms"]["contacts"][number];
type Added = { id: string; name: string };

/** Kept in step with CONTACT_LIST_LIMIT in server/services/sms/contacts.ts. */
const LIST_LIMIT = 100;

/**
 * SMS contacts for admins (PRODUCT.md C6): every number, unverified ones too (a number that
 * texted in), to add, correct, verify and import. Without a provider configured the screen says
 * so at the top; contacts can still be prepared.
 */
export function SmsContactsScreen() {
  const t = useTranslations("admin.sms.contacts");
  const trpc = useTRPC();
  const [search, setSearch] = useState("");
  const [added, setAdded] = useState<string | null>(null);
  const q = useDebounced(search.trim(), 250);
  const contacts = useQuery({
    ...trpc.sms.contacts.queryOptions({ q: q || undefined, all: true }),
    // The last list stays on screen while the next search loads, instead of a skeleton per key.
    placeholderData: keepPreviousData,
  });
  const list = contacts.data ?? [];
  return (
    <>
      <SetupNote />
      <AdminList<Contact, Added>
        title={t("list")}
        createLabel={t("create")}
        renderForm={(created, cancel) => (
          <SmsContactForm
            onCancel={() => {
              setAdded(null);
              cancel();
            }}
            onSaved={(contact) => {
              setAdded(contact.name);
              created(contact);
            }}
          />
        )}
        aside={<SmsImport />}
        toolbar={
          <>
            <SearchField label={t("search")} clearLabel={t("clearSearch")} value={search} onChange={setSearch} placeholder={t("searchPlaceholder")} maxLength={100} />
            <div role="status" className={sms.liveLine}>
              {added ? <p className={`${styles.status} ${styles.statusOk}`}>{t("added", { name: added })}</p> : null}
            </div>
          </>
        }
        query={contacts}
        empty={q ? t("noMatch", { query: q }) : t("empty")}
        className={styles.section}
        listClassName={styles.list}
        renderItem={(contact) => <SmsContactItem key={contact.id} contact={contact} />}
        after={() => (list.length >= LIST_LIMIT ? <p className={styles.hint}>{t("limited", { count: LIST_LIMIT })}</p> : null)}
      />
    </>
  );
}

/** Whether SMS can go out at all, and from which number. */
function SetupNote() {
  const t = useTranslations("admin.sms.contacts");
  const trpc = useTRPC();
  const setup = useQuery(trpc.sms.setup.queryOptions());
  if (!setup.data) return null;
  if (!setup.data.configured) {
    return (
      <div className={sms.setupNote} role="note" aria-labelledby="sms-setup-title">
        <h2 id="sms-setup-title" className={sms.setupTitle}>
          {t("notSetUpTitle")}
        </h2>
        <p className={sms.setupText}>{t.rich("notSetUpBody", { code: (chunks) => <code className={styles.mono}>{chunks}</code> })}</p>
      </div>
    );
  }
  return (
    <p className={styles.meta}>
      {setup.data.from ? t("sendsFrom", { from: setup.data.from }) : null}
      {setup.data.allowedCountries.length > 0 ? ` ${t("countries", { countries: setup.data.allowedCountries.join(", ") })}` : null}
    </p>
  );
}

function SmsContactItem({ contact }: { contact: Contact }) {
  const t = useTranslations("admin.sms.contacts");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [isEditing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const wasEditing = useRef(false);
  const verify = useMutation(
    trpc.sms.updateContact.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.sms.contacts.queryFilter()),
    }),
  );

  // Back from the form, the focus returns to the button that opened it.
  useEffect(() => {
    if (!isEditing && wasEditing.current) editButton.current?.focus();
    wasEditing.current = isEditing;
  }, [isEditing]);

  if (isEditing) {
    return (
      <li className={sms.editing}>
        <SmsContactForm contact={contact} onCancel={() => setEditing(false)} onSaved={() => setEditing(false)} />
      </li>
    );
  }
  const showsNumber = contact.name !== contact.phoneDisplay;
  return (
    <li className={`${styles.item} ${contact.verified ? "" : styles.itemDim}`} aria-labelledby={`${id}-name`}>
      <div className={styles.itemHead}>
        <h3 id={`${id}-name`} className={styles.itemName}>
          {contact.name}
        </h3>
        {showsNumber ? <span className={styles.mono}>{contact.phoneDisplay}</span> : null}
      </div>
      {!contact.verified || contact.optedOut ? (
        <ul className={styles.chips} aria-label={t("about", { name: contact.name })}>
          {contact.verified ? null : <li className={`${styles.badge} ${sms.badgeAttention}`}>{t("unverified")}</li>}
          {contact.optedOut ? <li className={`${styles.badge} ${styles.badgeDanger}`}>{t("optedOut")}</li> : null}
        </ul>
      ) : null}
      {contact.record ? <p className={styles.meta}>{t("record", { record: `${contact.record.type}:${contact.record.key}`, title: contact.record.title })}</p> : null}
      {contact.user ? <p className={styles.meta}>{t("user", { name: contact.user.name })}</p> : null}
      {/* A record's number is listed with its record anyway. */}
      {contact.verified || contact.record ? null : <p className={styles.meta}>{t("unverifiedHint")}</p>}
      {verify.isError ? (
        <p className="form-error" role="alert">
          {t("verifyError")}
        </p>
      ) : null}
      <div className={styles.actions}>
        {contact.verified ? null : (
          <button
            type="button"
            className={`button ${styles.primary}`}
            aria-describedby={`${id}-name`}
            disabled={verify.isPending}
            onClick={() =>
              verify.mutate(
                {
                  id: contact.id,
                  name: contact.name,
                  phone: contact.phone,
                  verified: true,
                  recordType: contact.record?.type ?? null,
                  recordKey: contact.record?.key ?? null,
                  username: contact.user?.username ?? null,
                },
                // The Verify button goes: the focus stays on this contact.
                { onSuccess: () => editButton.current?.focus() },
              )
            }
          >
            {verify.isPending ? t("verifying") : t("verify")}
          </button>
        )}
        <button ref={editButton} type="button" className="button" aria-describedby={`${id}-name`} onClick={() => setEditing(true)}>
          {t("edit")}
        </button>
      </div>
    </li>
  );
}
