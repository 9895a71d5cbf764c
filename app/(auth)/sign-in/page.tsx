import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { LocaleSwitch } from "~/components/locale-switch";
import { ServiceWorker } from "~/components/pwa/service-worker";
import { SignInForm } from "~/components/sign-in-form";
import { getSessionActor } from "~/server/api/session";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("signIn");
  return { title: t("title") };
}

export default async function SignInPage() {
  if (await getSessionActor(await headers())) redirect("/chats");
  const t = await getTranslations();
  return (
    <main className="auth-page">
      <div className="auth-card">
        <p className="brand" aria-hidden="true">
          <span className="brand-mark">F</span> {t("app.name")}
        </p>
        <h1>{t("signIn.title")}</h1>
        <p className="muted">{t("signIn.subtitle")}</p>
        <SignInForm />
        <LocaleSwitch />
      </div>
      {/* Installed from the first page people see, so the app works offline from the first sign-in. */}
      <ServiceWorker />
    </main>
  );
}
