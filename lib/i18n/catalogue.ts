import type { Locale } from "./locales";

/**
 * One JSON file per screen and locale (lib/i18n/messages/<locale>/<namespace>.json), merged
 * here, so screens can be worked on side by side. Each file's top-level keys are its namespaces.
 */
export const NAMESPACES = ["common", "sign-in", "chats", "conversation", "people", "me", "manager", "scan", "admin-qr", "approvals", "admin", "pwa", "search", "files", "social", "sms"] as const;

export async function loadMessages(locale: Locale): Promise<Record<string, unknown>> {
  const parts = await Promise.all(
    NAMESPACES.map(async (name) => ((await import(`./messages/${locale}/${name}.json`)) as { default: Record<string, unknown> }).default),
  );
  return Object.assign({}, ...parts) as Record<string, unknown>;
}
