"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { type KeyboardEvent, type RefObject, useDeferredValue, useId, useState } from "react";
import { StatusChip } from "~/components/chats/chat-list";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./social.module.css";

/** Who and what a draft mentions, as ids (the text keeps the "@…" for reading). */
export type DraftMentions = { userIds: string[]; entityIds: string[] };

/** "@" and what follows it up to the caret: letters, digits and the marks keys use (SO-10042, order:104). */
const AT_CARET = /(?:^|\s)@([\p{L}\p{N}_.:-]{0,60})$/u;

/** What fits above the text box on a phone with its keyboard open, without scrolling; typing more narrows it. */
const SHOWN = 5;

type Chosen = { kind: "user" | "entity"; id: string; text: string };
type Option =
  | { kind: "user"; id: string; text: string; name: string; isMember: boolean }
  | { kind: "entity"; id: string; text: string; type: string; key: string; title: string; status: string | null };

/**
 * The composer's mentions: notices "@…" at the caret, offers people and records, inserts the
 * chosen one as "@Name " or "@KEY " and remembers it, so Send carries the mention as structure
 * (for those whose text is still in the message).
 */
export function useMentions({
  chatId,
  body,
  setBody,
  input,
  enabled,
}: {
  chatId: string;
  body: string;
  setBody: (body: string) => void;
  input: RefObject<HTMLTextAreaElement | null>;
  /** Off where a message cannot carry mentions (an SMS): "@" is then just a character. */
  enabled: boolean;
}) {
  const trpc = useTRPC();
  const listId = useId();
  const [caret, setCaret] = useState(0);
  const [chosen, setChosen] = useState<Chosen[]>([]);
  const [active, setActive] = useState(0);
  const [dismissedAt, setDismissedAt] = useState<number | null>(null);

  const match = AT_CARET.exec(body.slice(0, caret));
  const q = match ? match[1]! : null;
  const start = match ? caret - q!.length - 1 : -1;
  const isOpen = enabled && q !== null && dismissedAt !== start;
  const deferred = useDeferredValue(q ?? "");
  const suggestions = useQuery({
    ...trpc.mention.suggest.queryOptions({ chatId, q: deferred }),
    enabled: isOpen,
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
  const options: Option[] = isOpen
    ? [
        ...(suggestions.data?.people ?? []).map((p) => ({ kind: "user" as const, id: p.id, text: `@${p.name}`, name: p.name, isMember: p.isMember })),
        ...(suggestions.data?.records ?? []).map((r) => ({ kind: "entity" as const, text: `@${r.key}`, ...r })),
      ].slice(0, SHOWN)
    : [];
  const current = Math.min(active, Math.max(options.length - 1, 0));

  function choose(option: Option) {
    const before = body.slice(0, start);
    const after = body.slice(caret).replace(/^\S*/, "");
    const inserted = `${option.text} `;
    const next = before + inserted + after.replace(/^ /, "");
    setBody(next);
    setChosen((list) => [...list.filter((c) => c.id !== option.id), { kind: option.kind, id: option.id, text: option.text }]);
    setActive(0);
    const position = before.length + inserted.length;
    setCaret(position);
    requestAnimationFrame(() => {
      input.current?.focus();
      input.current?.setSelectionRange(position, position);
    });
  }

  return {
    isOpen: isOpen && options.length + (suggestions.isFetching ? 1 : 0) > 0,
    listId,
    activeId: isOpen && options.length > 0 ? `${listId}-${current}` : undefined,
    /** Call on every change of text or caret. */
    track: (element: HTMLTextAreaElement) => {
      setCaret(element.selectionStart);
      if (dismissedAt !== null && !AT_CARET.test(element.value.slice(0, element.selectionStart))) setDismissedAt(null);
    },
    /** Arrows, Enter and Escape steer the list while it is open; true when the key was used. */
    onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): boolean {
      if (!isOpen || options.length === 0) return false;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        const step = event.key === "ArrowDown" ? 1 : -1;
        setActive((current + step + options.length) % options.length);
        return true;
      }
      if ((event.key === "Enter" || event.key === "Tab") && !event.shiftKey && !event.nativeEvent.isComposing) {
        event.preventDefault();
        choose(options[current]!);
        return true;
      }
      if (event.key === "Escape") {
        event.preventDefault();
        setDismissedAt(start);
        return true;
      }
      return false;
    },
    /** The mentions whose text is still in the message, for Send. */
    forBody(text: string): DraftMentions | undefined {
      const kept = chosen.filter((c) => new RegExp(`${c.text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\p{L}\\p{N}])`, "u").test(text));
      if (kept.length === 0) return undefined;
      return { userIds: kept.filter((c) => c.kind === "user").map((c) => c.id), entityIds: kept.filter((c) => c.kind === "entity").map((c) => c.id) };
    },
    reset: () => setChosen([]),
    list: isOpen ? (
      <MentionList
        id={listId}
        options={options}
        active={current}
        isLoading={suggestions.isFetching && options.length === 0}
        onChoose={choose}
      />
    ) : null,
  };
}

function MentionList({
  id,
  options,
  active,
  isLoading,
  onChoose,
}: {
  id: string;
  options: Option[];
  active: number;
  isLoading: boolean;
  onChoose: (option: Option) => void;
}) {
  const t = useTranslations("social");
  if (options.length === 0) {
    return isLoading ? (
      <p className={styles.suggestNote} role="status">
        {t("suggestionsLoading")}
      </p>
    ) : null;
  }
  return (
    <ul id={id} role="listbox" aria-label={t("suggestions")} className={styles.suggestions}>
      {options.map((option, index) => (
        <li
          key={`${option.kind}-${option.id}`}
          id={`${id}-${index}`}
          role="option"
          aria-selected={index === active}
          className={styles.suggestion}
          // Keeps the caret in the text box: a tap must not blur it before the choice lands.
          onMouseDown={(event) => event.preventDefault()}
          onClick={() => onChoose(option)}
        >
          {option.kind === "user" ? (
            <>
              <span className={styles.avatar} aria-hidden="true">
                {option.name.slice(0, 1).toLocaleUpperCase()}
              </span>
              <span className={styles.suggestionMain}>
                <span className={styles.suggestionTitle}>{option.name}</span>
                {option.isMember ? <span className={styles.suggestionMeta}>{t("member")}</span> : null}
              </span>
            </>
          ) : (
            <>
              <span className={styles.recordIcon} aria-hidden="true">
                #
              </span>
              <span className={styles.suggestionMain}>
                <span className={styles.suggestionTitle}>{option.key}</span>
                <span className={styles.suggestionMeta}>
                  {option.type} · {option.title}
                </span>
              </span>
              <StatusChip status={option.status} />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}
