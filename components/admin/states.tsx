"use client";

import { useTranslations } from "next-intl";
import styles from "./admin.module.css";

/** Placeholders shaped like the list that is coming. */
export function ListSkeleton({ count = 3 }: { count?: number }) {
  const t = useTranslations("admin.common");
  return (
    <div className={styles.skeleton} role="status" aria-busy="true">
      <span className="sr-only">{t("loading")}</span>
      {Array.from({ length: count }, (_, i) => (
        <span key={i} className={styles.bone} aria-hidden="true" />
      ))}
    </div>
  );
}

export function LoadError({ onRetry, isRetrying, message }: { onRetry: () => void; isRetrying: boolean; message?: string }) {
  const t = useTranslations("admin.common");
  return (
    <div className={styles.problem} role="alert">
      <p>{message ?? t("loadError")}</p>
      <button type="button" className="button" onClick={onRetry} disabled={isRetrying}>
        {t("retry")}
      </button>
    </div>
  );
}

/** The per-field messages of a refused tRPC call (server/api/trpc.ts errorFormatter). */
export function fieldErrors(error: unknown): Record<string, string> {
  const fields = (error as { data?: { fields?: Record<string, string> | null } } | null)?.data?.fields;
  return fields ?? {};
}

/** True when the server refused the input (4xx), as opposed to a network or server failure. */
export function isRefusal(error: unknown): boolean {
  const status = (error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus ?? 0;
  return status >= 400 && status < 500;
}
