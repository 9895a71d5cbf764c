"use client";

import { useTranslations } from "next-intl";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./manager.module.css";

type QuickReply = RouterOutputs["manager"]["quickReplies"][number];

export type QuickRepliesState = {
  replies: QuickReply[] | undefined;
  isError: boolean;
  retry: () => void;
};

/** One tap sends: the chips are big (gloves) and carry the reply's own words as their name. */
export function QuickReplyChips({ labelId, state, onSend }: { labelId: string; state: QuickRepliesState; onSend: (body: string) => void }) {
  const t = useTranslations("manager");
  const hintId = `${labelId}-hint`;
  let content;
  if (state.replies === undefined && state.isError) {
    content = (
      <div role="alert" className={styles.inlineError}>
        <p>{t("quickRepliesError")}</p>
        <button type="button" className="button" onClick={state.retry}>
          {t("retry")}
        </button>
      </div>
    );
  } else if (state.replies === undefined) {
    content = (
      <div className={styles.chips} aria-busy="true">
        <span className="sr-only">{t("quickRepliesLoading")}</span>
        {[0, 1, 2].map((n) => (
          <span key={n} className={`${styles.chip} ${styles.chipSkeleton}`} aria-hidden="true" />
        ))}
      </div>
    );
  } else if (state.replies.length === 0) {
    content = <p className={styles.hint}>{t("quickRepliesEmpty")}</p>;
  } else {
    content = (
      <>
        <p id={hintId} className={styles.hint}>
          {t("quickRepliesHint")}
        </p>
        <div className={styles.chips}>
          {state.replies.map((reply) => (
            <button
              key={reply.id}
              type="button"
              className={styles.chip}
              data-own={!reply.shared || undefined}
              aria-describedby={hintId}
              onClick={() => onSend(reply.body)}
            >
              {reply.body}
            </button>
          ))}
        </div>
      </>
    );
  }
  return (
    <section className={styles.replies} aria-labelledby={labelId}>
      <h3 id={labelId} className={styles.panelLabel}>
        {t("quickReplies")}
      </h3>
      {content}
    </section>
  );
}
