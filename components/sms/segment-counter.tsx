"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { SMS_MAX_SEGMENTS_DEFAULT, smsSegments } from "~/contracts/sms";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./sms-window.module.css";

/**
 * Under an SMS window's text box: the encoding the text needs, the room left in its last
 * segment and the segments it is billed as (counted as the server counts them), with a warning
 * in words past the limit per message. The encoding is shown because one character outside
 * GSM-7 (an emoji, a Polish "ł") makes the whole text UCS-2, where a segment holds far less.
 */
export function SegmentCounter({ text }: { text: string }) {
  const t = useTranslations("sms");
  const trpc = useTRPC();
  const setup = useQuery(trpc.sms.setup.queryOptions());
  const max = setup.data?.maxSegments ?? SMS_MAX_SEGMENTS_DEFAULT;
  const { encoding, left, segments } = smsSegments(text);
  const isOver = segments > max;
  return (
    <p className={isOver ? styles.counterOver : styles.counter} data-testid="segment-counter">
      {t("counter", { encoding, left })}{" "}
      {/* Read out when the count of segments changes, not at every key. */}
      <span aria-live="polite">
        {isOver ? (
          <>
            <span aria-hidden="true">⚠ </span>
            {t("overLimit", { count: segments, max })}
          </>
        ) : (
          t("segments", { count: segments })
        )}
      </span>
    </p>
  );
}
