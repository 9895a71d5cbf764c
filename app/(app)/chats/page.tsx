import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("chats");
  return { title: t("title") };
}

export default async function ChatsPage() {
  const t = await getTranslations("chats");
  return (
    <main className="page">
      <h1>{t("title")}</h1>
      <section className="empty-state" aria-labelledby="chats-empty-title">
        <svg className="empty-state-icon" viewBox="0 0 24 24" aria-hidden="true">
          <path
            d="M4 5h16v10H8l-4 4V5z"
            fill="none"
            stroke="currentColor"
            strokeWidth="1.6"
            strokeLinejoin="round"
          />
        </svg>
        <h2 id="chats-empty-title">{t("emptyTitle")}</h2>
        <p className="muted">{t("emptyBody")}</p>
      </section>
    </main>
  );
}
