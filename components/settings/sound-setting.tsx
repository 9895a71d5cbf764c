"use client";

import { useTranslations } from "next-intl";
import { useSoundEnabled } from "~/lib/preferences";
import { SettingSwitch } from "./setting-switch";

/** Sound on new messages (PRODUCT.md N2), a setting of this device. */
export function SoundSetting() {
  const t = useTranslations("me.sound");
  const [isEnabled, setEnabled] = useSoundEnabled();
  return (
    <SettingSwitch
      label={t("label")}
      hint={t("hint")}
      checked={isEnabled}
      stateText={isEnabled ? t("on") : t("off")}
      onToggle={() => setEnabled(!isEnabled)}
    />
  );
}
