"use client";

import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { type ListQuery, ListSkeleton, ListState } from "./list-state";

/**
 * An admin screen's scaffold (tokens, webhooks, rotas): a create button, or in its place what
 * creating shows (the form, then a secret shown once); below it the list with its loading,
 * failed and empty states. When the create panel closes, focus goes back to the create button.
 */
export function AdminList<T extends { id: string }, Created = never>({
  title,
  createLabel,
  renderForm,
  renderCreated,
  onBackToList,
  query,
  empty,
  skeletonCount,
  className,
  listClassName,
  renderItem,
  aside,
  toolbar,
  after,
}: {
  title: string;
  createLabel: string;
  /** The create form; it calls created() with what the server made, or cancel(). */
  renderForm: (created: (item: Created) => void, cancel: () => void) => ReactNode;
  /** What is shown once after creating (a token, a webhook's secret); done() goes back to the list. */
  renderCreated?: (item: Created, done: () => void) => ReactNode;
  /** After the form or the created item closes. */
  onBackToList?: () => void;
  query: ListQuery & { data: T[] | undefined };
  empty: string;
  skeletonCount?: number;
  className?: string;
  listClassName?: string;
  renderItem: (item: T) => ReactNode;
  /** Between the create button (or its panel) and the list: another way in (an import). */
  aside?: ReactNode;
  /** Inside the list's section, under its heading, above the list: a search box. */
  toolbar?: ReactNode;
  /** Below the list (e.g. how to verify a webhook), given whether a created item is on show. */
  after?: (isShowingCreated: boolean) => ReactNode;
}) {
  const [mode, setMode] = useState<"list" | "form">("list");
  const [created, setCreated] = useState<{ item: Created } | null>(null);
  function backToList() {
    onBackToList?.();
    setCreated(null);
    setMode("list");
  }
  const panel =
    created && renderCreated
      ? renderCreated(created.item, backToList)
      : mode === "form"
        ? renderForm((item) => {
            setCreated({ item });
            setMode("list");
          }, backToList)
        : null;
  const headingId = useId();
  const createButton = useRef<HTMLButtonElement>(null);
  const hadPanel = useRef(false);
  const hasPanel = panel !== null;

  useEffect(() => {
    if (!hasPanel && hadPanel.current) createButton.current?.focus();
    hadPanel.current = hasPanel;
  }, [hasPanel]);

  const items = query.data ?? [];
  return (
    <>
      {hasPanel ? (
        panel
      ) : (
        <button ref={createButton} type="button" className="button button-primary" onClick={() => setMode("form")}>
          {createLabel}
        </button>
      )}
      {aside}
      <section className={className} aria-labelledby={headingId}>
        <h2 id={headingId}>{title}</h2>
        {toolbar}
        <ListState query={query} isEmpty={items.length === 0} empty={empty} skeleton={<ListSkeleton count={skeletonCount} />}>
          <ul className={listClassName} aria-labelledby={headingId}>
            {items.map((item) => renderItem(item))}
          </ul>
        </ListState>
      </section>
      {after?.(created !== null)}
    </>
  );
}
