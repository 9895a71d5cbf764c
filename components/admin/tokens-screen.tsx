"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useId, useState } from "react";
import { chatTitle } from "~/components/chats/chat-title";
import { AdminList } from "~/components/ui/admin-list";
import { Field } from "~/components/ui/field";
import { InlineConfirm } from "~/components/ui/inline-confirm";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./admin.module.css";
import { CheckList, CreateForm, toggled, useMissing } from "./form-parts";
import { useRelativeTime } from "./relative-time";
import { ShownOnce } from "./shown-once";
import { fieldErrors } from "./states";

type Token = RouterOutputs["token"]["list"][number];
type Created = RouterOutputs["token"]["create"];

/** Kept in step with SCOPES in server/services/tokens.ts. */
const SCOPES = ["read", "entities:write", "chats:write", "approvals:write", "sms:write"] as const;

/** API tokens (PRODUCT.md A2): the list, creating one (shown once), revoking. */
export function TokensScreen() {
  const t = useTranslations("admin.tokens");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.token.list.queryOptions());
  return (
    <AdminList<Token, Created>
      title={t("list")}
      createLabel={t("create")}
      renderForm={(created, cancel) => <CreateTokenForm onCancel={cancel} onCreated={created} />}
      renderCreated={(token, done) => (
        <ShownOnce title={t("createdTitle", { name: token.name })} label={t("tokenLabel")} value={token.token} onDone={done}>
          <p className={styles.hint}>{t("createdHint")}</p>
        </ShownOnce>
      )}
      // The new token may have been tried out meanwhile: its "last used" is news.
      onBackToList={() => void queryClient.invalidateQueries(trpc.token.list.queryFilter())}
      query={tokens}
      empty={t("empty")}
      className={styles.section}
      listClassName={styles.list}
      renderItem={(token) => <TokenItem key={token.id} token={token} />}
    />
  );
}

function TokenItem({ token }: { token: Token }) {
  const t = useTranslations("admin.tokens");
  const common = useTranslations("admin.common");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [isConfirming, setConfirming] = useState(false);
  const relative = useRelativeTime();
  const revoke = useMutation(
    trpc.token.revoke.mutationOptions({
      onSuccess: () => {
        setConfirming(false);
        void queryClient.invalidateQueries(trpc.token.list.queryFilter());
      },
    }),
  );
  const isRevoked = token.revokedAt !== null;
  return (
    <li className={`${styles.item} ${isRevoked ? styles.itemDim : ""}`} aria-labelledby={`${id}-name`}>
      <div className={styles.itemHead}>
        <h3 id={`${id}-name`} className={styles.itemName}>
          {token.name}
        </h3>
        <span className={styles.mono}>{token.prefix}…</span>
        {isRevoked ? <span className={`${styles.badge} ${styles.badgeDanger}`}>{t("revokedBadge")}</span> : null}
      </div>
      <ul className={styles.chips} aria-label={t("scopes")}>
        {token.scopes.map((scope) => (
          <li key={scope} className={styles.chip}>
            {t(`scope.${scope}`)}
          </li>
        ))}
      </ul>
      <p className={styles.meta}>{token.chatId ? t("boundTo", { chat: token.chatTitle ?? t("boundToUnknown") }) : t("notBound")}</p>
      <p className={styles.meta}>
        {t("created", { when: relative(token.createdAt) })}
        {" · "}
        {t("lastUsed", { when: token.lastUsedAt ? relative(token.lastUsedAt) : common("never") })}
        {token.revokedAt ? ` · ${t("revokedAt", { when: relative(token.revokedAt) })}` : null}
      </p>
      {isRevoked ? null : isConfirming ? (
        <InlineConfirm
          question={t("confirmRevoke", { name: token.name })}
          error={revoke.isError ? t("revokeError") : null}
          isPending={revoke.isPending}
          confirmLabel={t("confirmRevokeYes")}
          pendingLabel={t("revoking")}
          onConfirm={() => revoke.mutate({ id: token.id })}
          onCancel={() => {
            revoke.reset();
            setConfirming(false);
          }}
        />
      ) : (
        <div className={styles.actions}>
          <button type="button" className={`button ${styles.dangerButton}`} aria-describedby={`${id}-name`} onClick={() => setConfirming(true)}>
            {t("revoke")}
          </button>
        </div>
      )}
    </li>
  );
}

function CreateTokenForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (token: Created) => void }) {
  const t = useTranslations("admin.tokens");
  const chatNames = useTranslations("chats");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const chats = useQuery(trpc.chat.list.queryOptions());
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<ReadonlySet<string>>(() => new Set(["read"]));
  const [chatId, setChatId] = useState("");
  const create = useMutation(
    trpc.token.create.mutationOptions({
      onSuccess: (token) => {
        void queryClient.invalidateQueries(trpc.token.list.queryFilter());
        onCreated(token);
      },
    }),
  );
  const { missing, check } = useMissing<"name" | "scopes">();
  const errors: Record<string, string | undefined> = { ...fieldErrors(create.error), ...missing };

  function onSubmit() {
    const chosen = SCOPES.filter((scope) => scopes.has(scope));
    const ok = check(
      { name: !name.trim() && t("nameRequired"), scopes: chosen.length === 0 && t("scopesRequired") },
      { name: () => document.getElementById(`${id}-name`)?.focus() },
    );
    if (ok) create.mutate({ name: name.trim(), scopes: chosen, chatId: chatId || null });
  }

  return (
    <CreateForm id={id} t={t} mutation={create} onSubmit={onSubmit} onCancel={onCancel}>
      <Field id={`${id}-name`} label={t("name")} error={errors.name}>
        {(control) => (
          <input
            {...control}
            className={styles.input}
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={80}
            required
            autoFocus
            autoComplete="off"
            placeholder={t("namePlaceholder")}
          />
        )}
      </Field>
      <CheckList
        id={`${id}-scopes`}
        legend={t("scopes")}
        options={SCOPES}
        label={(scope) => t(`scope.${scope}`)}
        checked={scopes}
        onToggle={(scope, isOn) => setScopes((current) => toggled(current, scope, isOn))}
        error={errors.scopes}
      />
      <Field id={`${id}-chat`} label={t("chat")} hint={t("chatHint")} error={errors.chatId}>
        {(control) => (
          <select {...control} className={styles.select} value={chatId} onChange={(event) => setChatId(event.target.value)}>
            <option value="">{t("anyChat")}</option>
            {(chats.data ?? []).map((chat) => (
              <option key={chat.id} value={chat.id}>
                {chatTitle(chat, chatNames)}
              </option>
            ))}
          </select>
        )}
      </Field>
    </CreateForm>
  );
}
