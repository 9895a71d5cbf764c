// Rendered on the server only: it calls the server directly (eslint.architecture.config.mjs lets it).
import "server-only";
import { getFormatter, getTranslations } from "next-intl/server";
import { headers } from "next/headers";
import Link from "next/link";
import { createServerCaller } from "~/server/api/server-caller";
import { OutsideConversation } from "./outside-conversation";
import styles from "./demo-password-banner.module.css";

/**
 * Tells admins which accounts anyone can still sign in to with the published demo password, until
 * each has been changed. Rendered for admins only; the procedure refuses everyone else anyway.
 */
export async function DemoPasswordBanner() {
  const caller = await createServerCaller(await headers());
  const usernames = await caller.user.demoPasswordAccounts();
  if (usernames.length === 0) return null;
  const [t, format] = await Promise.all([getTranslations("demoPassword"), getFormatter()]);
  return (
    <OutsideConversation>
      <section className={styles.banner} aria-labelledby="demo-password-title">
        <p id="demo-password-title" className={styles.title}>
          {t("title", { count: usernames.length })}
        </p>
        <p>{t("body", { names: format.list(usernames, { type: "conjunction" }) })}</p>
        <p>
          <Link href="/settings#password" className={styles.link}>
            {t("change")}
          </Link>
        </p>
        <p>{t.rich("others", { code: (chunks) => <code className={styles.command}>{chunks}</code> })}</p>
      </section>
    </OutsideConversation>
  );
}
