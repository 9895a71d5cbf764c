"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { chatTitle } from "~/components/chats/chat-title";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./admin.module.css";
import { FormFooter, InlineConfirm } from "./form-parts";
import { useRelativeTime } from "./relative-time";
import { ShownOnce } from "./shown-once";
import { ListSkeleton, LoadError, fieldErrors, isRefusal } from "./states";

type Token = RouterOutputs["token"]["list"][number];
type Created = RouterOutputs["token"]["create"];

/** Kept in step with SCOPES in server/services/tokens.ts. */
const SCOPES = ["read", "entities:write", "chats:write", "approvals:write"] as const;

/** API tokens (PRODUCT.md A2): the list, creating one (shown once), revoking. */
export function TokensScreen() {
  const t = useTranslations("admin.tokens");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tokens = useQuery(trpc.token.list.queryOptions());
  const [mode, setMode] = useState<"list" | "form">("list");
  const [created, setCreated] = useState<Created | null>(null);
  const createButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (mode === "list" && !created && returnFocus.current) {
      returnFocus.current = false;
      createButton.current?.focus();
    }
  }, [mode, created]);

  function backToList() {
    // The new token may have been tried out meanwhile: its "last used" is news.
    void queryClient.invalidateQueries(trpc.token.list.queryFilter());
    returnFocus.current = true;
    setCreated(null);
    setMode("list");
  }

  return (
    <>
      {created ? (
        <ShownOnce title={t("createdTitle", { name: created.name })} label={t("tokenLabel")} value={created.token} onDone={backToList}>
          <p className={styles.hint}>{t("createdHint")}</p>
        </ShownOnce>
      ) : mode === "form" ? (
        <CreateTokenForm
          onCancel={backToList}
          onCreated={(token) => {
            setCreated(token);
            setMode("list");
          }}
        />
      ) : (
        <button ref={createButton} type="button" className={`button button-primary`} onClick={() => setMode("form")}>
          {t("create")}
        </button>
      )}

      <section className={styles.section} aria-labelledby="tokens-list">
        <h2 id="tokens-list">{t("list")}</h2>
        {tokens.isPending ? (
          <ListSkeleton />
        ) : tokens.isError ? (
          <LoadError onRetry={() => void tokens.refetch()} isRetrying={tokens.isFetching} />
        ) : tokens.data.length === 0 ? (
          <p className={styles.empty}>{t("empty")}</p>
        ) : (
          <ul className={styles.list} aria-labelledby="tokens-list">
            {tokens.data.map((token) => (
              <TokenItem key={token.id} token={token} />
            ))}
          </ul>
        )}
      </section>
    </>
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
  const [missing, setMissing] = useState<{ name?: string; scopes?: string }>({});
  const errors: Record<string, string | undefined> = { ...fieldErrors(create.error), ...missing };

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const chosen = SCOPES.filter((scope) => scopes.has(scope));
    const problems = { ...(name.trim() ? {} : { name: t("nameRequired") }), ...(chosen.length > 0 ? {} : { scopes: t("scopesRequired") }) };
    setMissing(problems);
    if (problems.name) return document.getElementById(`${id}-name`)?.focus();
    if (problems.scopes) return;
    create.mutate({ name: name.trim(), scopes: chosen, chatId: chatId || null });
  }

  function toggle(scope: string, isOn: boolean) {
    setScopes((current) => {
      const next = new Set(current);
      if (isOn) next.add(scope);
      else next.delete(scope);
      return next;
    });
  }

  return (
    <section className={styles.section} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("formTitle")}</h2>
      <form className={styles.form} onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t("name")}</label>
          <input
            id={`${id}-name`}
            className={styles.input}
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={80}
            required
            autoFocus
            autoComplete="off"
            placeholder={t("namePlaceholder")}
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={errors.name ? `${id}-name-error` : undefined}
          />
          {errors.name ? (
            <p id={`${id}-name-error`} className={styles.fieldError}>
              {errors.name}
            </p>
          ) : null}
        </div>

        <fieldset className={styles.fieldset} aria-describedby={errors.scopes ? `${id}-scopes-error` : undefined}>
          <legend>{t("scopes")}</legend>
          {SCOPES.map((scope) => (
            <label key={scope} className={styles.check}>
              <input type="checkbox" className={styles.checkInput} checked={scopes.has(scope)} onChange={(event) => toggle(scope, event.target.checked)} />
              <span className={styles.checkBox} aria-hidden="true" />
              <span className={styles.checkText}>
                <span>{t(`scope.${scope}`)}</span>
                <span className={`${styles.checkCode} ${styles.mono}`}>{scope}</span>
              </span>
            </label>
          ))}
          {errors.scopes ? (
            <p id={`${id}-scopes-error`} className={styles.fieldError}>
              {errors.scopes}
            </p>
          ) : null}
        </fieldset>

        <div className="field">
          <label htmlFor={`${id}-chat`}>{t("chat")}</label>
          <p id={`${id}-chat-hint`} className={styles.hint}>
            {t("chatHint")}
          </p>
          <select
            id={`${id}-chat`}
            className={styles.select}
            value={chatId}
            onChange={(event) => setChatId(event.target.value)}
            aria-describedby={`${id}-chat-hint${errors.chatId ? ` ${id}-chat-error` : ""}`}
            aria-invalid={errors.chatId ? true : undefined}
          >
            <option value="">{t("anyChat")}</option>
            {(chats.data ?? []).map((chat) => (
              <option key={chat.id} value={chat.id}>
                {chatTitle(chat, chatNames)}
              </option>
            ))}
          </select>
          {errors.chatId ? (
            <p id={`${id}-chat-error`} className={styles.fieldError}>
              {errors.chatId}
            </p>
          ) : null}
        </div>

        <FormFooter
          showSaveError={create.isError && !isRefusal(create.error)}
          isPending={create.isPending}
          submitLabel={t("submit")}
          pendingLabel={t("submitting")}
          onCancel={onCancel}
        />
      </form>
    </section>
  );
}
