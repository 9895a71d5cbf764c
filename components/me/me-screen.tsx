"use client";

import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { LocaleSwitch } from "~/components/locale-switch";
import { useTRPC } from "~/lib/trpc/client";
import { ProfileCard, ProfileSkeleton } from "./profile-card";
import { QuickReplies } from "./quick-replies";
import { SignOutButton } from "./sign-out-button";
import { SoundSetting } from "./sound-setting";
import { StatusForm } from "./status-form";
import styles from "./me-screen.module.css";

/** Me (PRODUCT.md P2, N2, A6, W3): who I am, my status, sound, language, my quick replies, sign out. */
export function MeScreen() {
  const t = useTranslations("me");
  const trpc = useTRPC();
  const me = useQuery(trpc.user.me.queryOptions());
  const isManager = me.data?.role === "manager" || me.data?.role === "admin";

  return (
    <main className={`page ${styles.page}`}>
      <h1 className={styles.title}>{t("title")}</h1>

      {me.isPending ? (
        <ProfileSkeleton label={t("loading")} />
      ) : me.isError ? (
        <div className={styles.problem} role="alert">
          <p className={styles.problemText}>{t("loadError")}</p>
          <button type="button" className="button" onClick={() => void me.refetch()} disabled={me.isFetching}>
            {t("retry")}
          </button>
        </div>
      ) : (
        <>
          <ProfileCard profile={me.data} />
          <section className={styles.section} aria-labelledby="me-status">
            <h2 id="me-status">{t("status.heading")}</h2>
            <StatusForm initialStatus={me.data.status} initialText={me.data.statusText} />
          </section>
        </>
      )}

      <section className={styles.section} aria-labelledby="me-sound">
        <h2 id="me-sound">{t("sound.heading")}</h2>
        <SoundSetting />
      </section>

      <section className={`${styles.section} ${styles.language}`} aria-labelledby="me-language">
        <h2 id="me-language">{t("language.heading")}</h2>
        <LocaleSwitch />
      </section>

      {isManager ? (
        <section className={styles.section} aria-labelledby="me-quick-replies">
          <h2 id="me-quick-replies">{t("quickReplies.heading")}</h2>
          <QuickReplies isAdmin={me.data?.role === "admin"} />
        </section>
      ) : null}

      <div className={styles.signOut}>
        <SignOutButton />
      </div>
    </main>
  );
}
