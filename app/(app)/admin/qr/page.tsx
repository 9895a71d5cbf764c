import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { PrintButton } from "~/components/admin/print-button";
import { QrCode } from "~/components/admin/qr-code";
import { MAX_LABELS, ZLabelsInput } from "~/server/api/schemas/entity";
import { createServerCaller } from "~/server/api/server-caller";
import { getSessionActor } from "~/server/api/session";
import { isManager } from "~/server/domain-error";
import styles from "./qr-labels.module.css";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("adminQr");
  return { title: t("title") };
}

type Search = { type?: string | string[]; q?: string | string[]; count?: string | string[] };
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? "";

/**
 * A printable sheet of QR labels (PRODUCT.md W1), for managers and admins: pick records by type
 * and part of their key. The QR codes are SVG made here on the server; printing hides the rest.
 */
export default async function QrLabelsPage({ searchParams }: { searchParams: Promise<Search> }) {
  const requestHeaders = await headers();
  const actor = await getSessionActor(requestHeaders);
  if (!actor) redirect("/sign-in");
  const t = await getTranslations("adminQr");
  if (!isManager(actor)) {
    return (
      <main className={`page ${styles.page}`}>
        <h1>{t("notAllowed.title")}</h1>
        <p className="muted">{t("notAllowed.body")}</p>
        <Link href="/scan" className="button">
          {t("notAllowed.back")}
        </Link>
      </main>
    );
  }

  const search = await searchParams;
  const raw = { type: first(search.type), keyFilter: first(search.q), limit: search.count ? Number(first(search.count)) : undefined };
  const parsed = ZLabelsInput.safeParse(raw);
  const input = parsed.success ? parsed.data : ZLabelsInput.parse({});
  const { types, records } = await (await createServerCaller(requestHeaders)).entity.labels(input);
  const typeNames = await getTranslations("scan.types");
  const typeLabel = (type: string) => (typeNames.has(type) ? typeNames(type) : type);

  return (
    <main className={`page ${styles.page}`}>
      <div className={styles.controls}>
        <h1 className={styles.title}>{t("title")}</h1>
        <p className={styles.intro}>{t("intro")}</p>
        <form method="get" className={styles.filters} aria-label={t("filters")}>
          <label className="field">
            <span>{t("type")}</span>
            <select name="type" defaultValue={input.type ?? ""}>
              <option value="">{t("anyType")}</option>
              {types.map((type) => (
                <option key={type} value={type}>
                  {typeLabel(type)}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>{t("key")}</span>
            <input name="q" defaultValue={input.keyFilter ?? ""} maxLength={100} autoComplete="off" spellCheck={false} placeholder="SO-100" />
          </label>
          <label className="field">
            <span>{t("count")}</span>
            <input name="count" type="number" inputMode="numeric" min={1} max={MAX_LABELS} defaultValue={input.limit} />
          </label>
          <button type="submit" className={`button ${styles.show}`}>
            {t("show")}
          </button>
        </form>
        {!parsed.success ? (
          <p className="form-error" role="alert">
            {t("invalid")}
          </p>
        ) : null}
        <div className={styles.summary}>
          <p className={styles.count} role="status">
            {t("summary", { count: records.length })}
          </p>
          {records.length > 0 ? <PrintButton label={t("print")} /> : null}
        </div>
      </div>

      {records.length === 0 ? (
        <p className="empty-state">{t("empty")}</p>
      ) : (
        <ul className={styles.sheet} aria-label={t("title")}>
          {records.map((record) => (
            <li key={`${record.type}:${record.key}`} className={styles.label}>
              <QrCode value={record.key} className={styles.qr} />
              <span className={styles.key}>{record.key}</span>
              <span className={styles.recordTitle}>{record.title}</span>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
