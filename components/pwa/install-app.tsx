"use client";

import { useTranslations } from "next-intl";
import { useSyncExternalStore } from "react";
import { canPromptInstall, promptInstall, subscribeInstallPrompt } from "~/lib/install-prompt";
import styles from "./pwa.module.css";

function isStandalone(): boolean {
  return window.matchMedia("(display-mode: standalone)").matches || (navigator as Navigator & { standalone?: boolean }).standalone === true;
}

function isIos(): boolean {
  // iPadOS reports itself as a Mac; a touch screen gives it away.
  return /iPhone|iPad|iPod/.test(navigator.userAgent) || (navigator.userAgent.includes("Macintosh") && navigator.maxTouchPoints > 1);
}

type Way = "installed" | "prompt" | "ios" | "other";

function currentWay(): Way {
  if (isStandalone()) return "installed";
  if (canPromptInstall()) return "prompt";
  return isIos() ? "ios" : "other";
}

/** Me → App: install Floorchat, the way this device allows (iOS has no install prompt). */
export function InstallApp() {
  const t = useTranslations("pwa.install");
  const way = useSyncExternalStore(subscribeInstallPrompt, currentWay, () => "other");
  return (
    <section className={styles.install} aria-labelledby="me-install">
      <h2 id="me-install">{t("heading")}</h2>
      {way === "prompt" ? (
        <button type="button" className="button button-primary" onClick={() => void promptInstall()}>
          {t("button")}
        </button>
      ) : (
        <p>{t(way)}</p>
      )}
    </section>
  );
}
