"use client";

import { useRouter } from "next/navigation";
import { useLocale, useTranslations } from "next-intl";
import { useTransition } from "react";
import { setLocale } from "~/lib/i18n/actions";
import { locales } from "~/lib/i18n/locales";

export function LocaleSwitch() {
  const t = useTranslations("language");
  const current = useLocale();
  const router = useRouter();
  const [isPending, startTransition] = useTransition();

  function choose(locale: string) {
    startTransition(async () => {
      await setLocale(locale);
      router.refresh();
    });
  }

  return (
    <div className="segmented" role="group" aria-label={t("label")}>
      {locales.map((locale) => (
        <button
          key={locale}
          type="button"
          lang={locale}
          className="button button-quiet"
          aria-pressed={locale === current}
          disabled={isPending}
          onClick={() => choose(locale)}
        >
          {t(locale)}
        </button>
      ))}
    </div>
  );
}
