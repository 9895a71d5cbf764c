"use client";

import { useQuery } from "@tanstack/react-query";
import dynamic from "next/dynamic";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { LocaleSwitch } from "~/components/locale-switch";
import { InstallApp } from "~/components/pwa/install-app";
import { useTRPC } from "~/lib/trpc/client";
import { isManagerRole } from "~/contracts/roles";
import { PasswordForm } from "./password-form";
import { ProfileCard, ProfileSkeleton } from "./profile-card";
import { SignOutButton } from "./sign-out-button";
import { SoundSetting } from "./sound-setting";
import { StatusForm } from "./status-form";
import styles from "./settings-screen.module.css";
import { ListSkeleton, LoadError } from "~/components/ui/list-state";

// Push touches browser-only APIs and is the largest part of the screen: it loads on its own.
const PushNotifications = dynamic(() => import("./push-notifications").then((m) => m.PushNotifications), { ssr: false });
// Managers' only: the others never download it. Its list starts as a skeleton either way.
const QuickReplies = dynamic(() => import("./quick-replies").then((m) => m.QuickReplies), { loading: () => <ListSkeleton count={3} height={56} /> });

/** Me (PRODUCT.md P2, N1–N3, A6, W3): who I am, my status, notifications, language, my password, my quick replies, sign out. */
export function SettingsScreen() {
  const t = useTranslations("me");
  const trpc = useTRPC();
  const me = useQuery(trpc.user.me.queryOptions());
  const isManager = isManagerRole(me.data?.role);

  return (
    <main className={`page ${styles.page}`}>
      <h1 className={styles.title}>{t("title")}</h1>

      {me.isPending ? (
        <ProfileSkeleton label={t("loading")} />
      ) : me.isError ? (
        <LoadError whole message={t("loadError")} retryLabel={t("retry")} onRetry={() => void me.refetch()} isRetrying={me.isFetching} />
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
        <PushNotifications />
      </section>

      <section className={`${styles.section} ${styles.language}`} aria-labelledby="me-language">
        <h2 id="me-language">{t("language.heading")}</h2>
        <LocaleSwitch />
      </section>

      <section className={styles.section} aria-labelledby="me-password">
        <h2 id="me-password">{t("password.heading")}</h2>
        <PasswordForm />
      </section>

      <div className={styles.section}>
        <InstallApp />
      </div>

      {isManager ? (
        <section className={styles.section} aria-labelledby="me-quick-replies">
          <h2 id="me-quick-replies">{t("quickReplies.heading")}</h2>
          <QuickReplies isAdmin={me.data?.role === "admin"} />
        </section>
      ) : null}

      {isManager ? <LinkSection name="labels" href="/admin/qr" /> : null}
      {me.data?.role === "admin" ? <LinkSection name="admin" href="/admin" /> : null}

      <div className={styles.signOut}>
        <SignOutButton />
      </div>
    </main>
  );
}

/** A section that says what lies behind a link and opens it (the QR labels, the admin screens). */
function LinkSection({ name, href }: { name: "labels" | "admin"; href: string }) {
  const t = useTranslations(`me.${name}`);
  return (
    <section className={styles.section} aria-labelledby={`me-${name}`}>
      <h2 id={`me-${name}`}>{t("heading")}</h2>
      <p className={styles.sectionText}>{t("body")}</p>
      <Link href={href} className={`button ${styles.linkButton}`}>
        {t("open")}
      </Link>
    </section>
  );
}
