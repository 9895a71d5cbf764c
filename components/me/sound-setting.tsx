"use client";

import { useTranslations } from "next-intl";
import { useId } from "react";
import { useSoundEnabled } from "~/lib/preferences";
import styles from "./sound-setting.module.css";

/** Sound on new messages (PRODUCT.md N2), a setting of this device. */
export function SoundSetting() {
  const t = useTranslations("me.sound");
  const id = useId();
  const [isEnabled, setEnabled] = useSoundEnabled();
  return (
    <button
      type="button"
      role="switch"
      aria-checked={isEnabled}
      aria-labelledby={`${id}-label`}
      aria-describedby={`${id}-hint`}
      className={styles.switch}
      onClick={() => setEnabled(!isEnabled)}
    >
      <span className={styles.text}>
        <span id={`${id}-label`} className={styles.label}>
          {t("label")}
        </span>
        <span id={`${id}-hint`} className={styles.hint}>
          {t("hint")}
        </span>
      </span>
      <span className={styles.state} aria-hidden="true">
        {isEnabled ? t("on") : t("off")}
      </span>
      <span className={styles.track} aria-hidden="true">
        <span className={styles.thumb} />
      </span>
    </button>
  );
}
