"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { type FormEvent, useEffect, useId, useRef, useState } from "react";
import { Checkbox } from "~/components/ui/checkbox";
import { InlineConfirm } from "~/components/ui/inline-confirm";
import { ListSkeleton, ListState } from "~/components/ui/list-state";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./quick-replies.module.css";
import { QUICK_REPLIES_MAX, QUICK_REPLY_MAX_LENGTH } from "~/contracts/limits";

type QuickReply = RouterOutputs["manager"]["quickReplies"][number];

function useQuickRepliesCache() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const key = trpc.manager.quickReplies.queryKey();
  return {
    upsert(reply: QuickReply) {
      queryClient.setQueryData(key, (replies) => {
        if (!replies) return replies;
        return replies.some((r) => r.id === reply.id) ? replies.map((r) => (r.id === reply.id ? reply : r)) : [...replies, reply];
      });
    },
    remove(id: string) {
      queryClient.setQueryData(key, (replies) => replies?.filter((r) => r.id !== id));
    },
  };
}

/**
 * The one-tap answers of the Manager view (PRODUCT.md W3): shared ones (set by admins, read-only
 * for managers) and the manager's own, which they add, edit and delete here.
 */
export function QuickReplies({ isAdmin }: { isAdmin: boolean }) {
  const t = useTranslations("me.quickReplies");
  const trpc = useTRPC();
  const replies = useQuery(trpc.manager.quickReplies.queryOptions());

  if (replies.isPending || replies.isError) {
    return <ListState query={replies} isEmpty={false} empty={null} skeleton={<ListSkeleton count={3} height={56} />}>{null}</ListState>;
  }

  const shared = replies.data.filter((reply) => reply.shared);
  const mine = replies.data.filter((reply) => !reply.shared);
  return (
    <div className={styles.wrap}>
      <p className={styles.intro}>{t("intro")}</p>

      <div className={styles.group}>
        <h3 className={styles.groupHeading}>{t("mine")}</h3>
        {mine.length === 0 ? (
          <p className={styles.none}>{t("noneMine")}</p>
        ) : (
          <ul className={styles.list} aria-label={t("mine")}>
            {mine.map((reply) => (
              <QuickReplyItem key={reply.id} reply={reply} canChange />
            ))}
          </ul>
        )}
        <AddQuickReply isAdmin={isAdmin} mineCount={mine.length} sharedCount={shared.length} />
      </div>

      <div className={styles.group}>
        <h3 className={styles.groupHeading}>{t("shared")}</h3>
        <p className={styles.none}>{isAdmin ? t("sharedAdminHint") : t("sharedHint")}</p>
        {shared.length === 0 ? (
          <p className={styles.none}>{t("noneShared")}</p>
        ) : (
          <ul className={styles.list} aria-label={t("shared")}>
            {shared.map((reply) => (
              <QuickReplyItem key={reply.id} reply={reply} canChange={isAdmin} />
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function QuickReplyItem({ reply, canChange }: { reply: QuickReply; canChange: boolean }) {
  const t = useTranslations("me.quickReplies");
  const trpc = useTRPC();
  const cache = useQuickRepliesCache();
  const id = useId();
  const [mode, setMode] = useState<"view" | "edit" | "confirmDelete">("view");
  const [draft, setDraft] = useState(reply.body);
  const editButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  const update = useMutation(trpc.manager.updateQuickReply.mutationOptions());
  const remove = useMutation(trpc.manager.deleteQuickReply.mutationOptions({ onSuccess: () => cache.remove(reply.id) }));

  // Back from editing or from the delete question, focus returns to where the user was.
  useEffect(() => {
    if (mode === "view" && returnFocus.current) {
      returnFocus.current = false;
      editButton.current?.focus();
    }
  }, [mode]);

  function backToView() {
    returnFocus.current = true;
    update.reset();
    remove.reset();
    setMode("view");
  }

  function onSave(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const body = draft.trim();
    if (!body) return;
    if (body === reply.body) return backToView();
    update.mutate(
      { id: reply.id, body },
      {
        onSuccess: (saved) => {
          cache.upsert(saved);
          backToView();
        },
      },
    );
  }

  if (mode === "edit") {
    return (
      <li className={styles.item}>
        <form className={styles.editForm} onSubmit={onSave}>
          <label htmlFor={`${id}-edit`} className={styles.fieldLabel}>
            {t("editLabel")}
          </label>
          <span id={`${id}-count`} className={styles.counter}>
            {t("counter", { count: draft.length, max: QUICK_REPLY_MAX_LENGTH })}
          </span>
          <input
            id={`${id}-edit`}
            className={styles.input}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            maxLength={QUICK_REPLY_MAX_LENGTH}
            required
            autoFocus
            autoComplete="off"
            aria-describedby={`${id}-count`}
          />
          {update.isError ? (
            <p className={`form-error ${styles.fullRow}`} role="alert">
              {t("saveError")}
            </p>
          ) : null}
          <div className={styles.actions}>
            <button type="submit" className={`button ${styles.primary}`} disabled={update.isPending || !draft.trim()}>
              {update.isPending ? t("saving") : t("save")}
            </button>
            <button type="button" className="button" onClick={backToView}>
              {t("cancel")}
            </button>
          </div>
        </form>
      </li>
    );
  }

  return (
    <li className={styles.item}>
      <div className={styles.row}>
        <p className={styles.body} id={`${id}-body`}>
          {reply.body}
        </p>
        {canChange && mode === "view" ? (
          <div className={styles.actions}>
            <button
              ref={editButton}
              type="button"
              className="button"
              aria-describedby={`${id}-body`}
              onClick={() => {
                setDraft(reply.body);
                setMode("edit");
              }}
            >
              {t("edit")}
            </button>
            <button type="button" className={`button ${styles.danger}`} aria-describedby={`${id}-body`} onClick={() => setMode("confirmDelete")}>
              {t("delete")}
            </button>
          </div>
        ) : null}
      </div>
      {mode === "confirmDelete" ? (
        <InlineConfirm
          question={t("confirmDelete")}
          error={remove.isError ? t("deleteError") : null}
          isPending={remove.isPending}
          confirmLabel={t("confirmDeleteYes")}
          pendingLabel={t("deleting")}
          onConfirm={() => remove.mutate({ id: reply.id })}
          onCancel={backToView}
        />
      ) : null}
    </li>
  );
}

function AddQuickReply({ isAdmin, mineCount, sharedCount }: { isAdmin: boolean; mineCount: number; sharedCount: number }) {
  const t = useTranslations("me.quickReplies");
  const trpc = useTRPC();
  const cache = useQuickRepliesCache();
  const id = useId();
  const [body, setBody] = useState("");
  const [isShared, setShared] = useState(false);
  const create = useMutation(
    trpc.manager.createQuickReply.mutationOptions({
      onSuccess: (created) => {
        cache.upsert(created);
        setBody("");
      },
    }),
  );
  const isFull = (isShared ? sharedCount : mineCount) >= QUICK_REPLIES_MAX;

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const text = body.trim();
    if (!text || isFull) return;
    create.mutate({ body: text, shared: isShared });
  }

  return (
    <form className={styles.addForm} onSubmit={onSubmit}>
      <label htmlFor={`${id}-new`} className={styles.fieldLabel}>
        {t("addLabel")}
      </label>
      <span id={`${id}-count`} className={styles.counter}>
        {t("counter", { count: body.length, max: QUICK_REPLY_MAX_LENGTH })}
      </span>
      <input
        id={`${id}-new`}
        className={styles.input}
        value={body}
        onChange={(event) => setBody(event.target.value)}
        maxLength={QUICK_REPLY_MAX_LENGTH}
        placeholder={t("addPlaceholder")}
        autoComplete="off"
        enterKeyHint="done"
        aria-describedby={`${id}-count`}
      />
      {isAdmin ? (
        <Checkbox className={styles.fullRow} checked={isShared} onChange={setShared}>
          <span>{t("shareWithAll")}</span>
        </Checkbox>
      ) : null}
      {isFull ? (
        <p className={`${styles.none} ${styles.fullRow}`}>{t("full", { max: QUICK_REPLIES_MAX })}</p>
      ) : null}
      {create.isError ? (
        <p className={`form-error ${styles.fullRow}`} role="alert">
          {t("saveError")}
        </p>
      ) : null}
      <button type="submit" className={`button ${styles.primary} ${styles.fullRow}`} disabled={create.isPending || isFull || !body.trim()}>
        {create.isPending ? t("adding") : t("add")}
      </button>
    </form>
  );
}
