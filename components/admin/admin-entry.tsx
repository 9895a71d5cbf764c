"use client";

import Link from "next/link";
import { useTranslations } from "next-intl";
import styles from "./admin.module.css";

/** The way from Me to the admin screens, shown to admins. */
export function AdminEntry() {
  const t = useTranslations("me.admin");
  return (
    <section className={styles.section} aria-labelledby="me-admin">
      <h2 id="me-admin">{t("heading")}</h2>
      <p className={styles.intro}>{t("body")}</p>
      <Link href="/admin" className={`button ${styles.linkButton}`}>
        {t("open")}
      </Link>
    </section>
  );
}
