"use client";

import { type ReactNode, useEffect, useId, useRef } from "react";
import { type ListQuery, ListSkeleton, ListState } from "./list-state";

/**
 * An admin screen's scaffold (tokens, webhooks, rotas): a create button, or in its place what
 * creating shows (the form, then a secret shown once); below it the list with its loading,
 * failed and empty states. When the create panel closes, focus goes back to the create button.
 */
export function AdminList<T extends { id: string }>({
  title,
  createLabel,
  panel,
  onCreate,
  query,
  empty,
  skeletonCount,
  className,
  listClassName,
  renderItem,
  after,
}: {
  title: string;
  createLabel: string;
  /** The form or the created item's one-time view; null shows the create button. */
  panel: ReactNode;
  onCreate: () => void;
  query: ListQuery & { data: T[] | undefined };
  empty: string;
  skeletonCount?: number;
  className?: string;
  listClassName?: string;
  renderItem: (item: T) => ReactNode;
  /** Below the list (e.g. how to verify a webhook). */
  after?: ReactNode;
}) {
  const headingId = useId();
  const createButton = useRef<HTMLButtonElement>(null);
  const hadPanel = useRef(false);
  const hasPanel = panel !== null && panel !== undefined && panel !== false;

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
        <button ref={createButton} type="button" className="button button-primary" onClick={onCreate}>
          {createLabel}
        </button>
      )}
      <section className={className} aria-labelledby={headingId}>
        <h2 id={headingId}>{title}</h2>
        <ListState query={query} isEmpty={items.length === 0} empty={empty} skeleton={<ListSkeleton count={skeletonCount} />}>
          <ul className={listClassName} aria-labelledby={headingId}>
            {items.map((item) => renderItem(item))}
          </ul>
        </ListState>
      </section>
      {after}
    </>
  );
}
