import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { OfflineText } from "~/components/pwa/offline-text";
import en from "~/lib/i18n/messages/en/pwa.json";
import pl from "~/lib/i18n/messages/pl/pwa.json";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("pwa.offlinePage");
  return { title: t("title") };
}

/**
 * What the service worker shows for a page it has never cached while there is no network. It is
 * fetched once, when the worker installs, so it carries every language and shows the one the
 * device uses now.
 */
export default function OfflinePage() {
  return (
    <main className="auth-page">
      <div className="auth-card">
        <OfflineText texts={{ en: en.pwa.offlinePage, pl: pl.pwa.offlinePage }} />
      </div>
    </main>
  );
}
