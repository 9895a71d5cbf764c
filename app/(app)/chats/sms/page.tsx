import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SmsContacts } from "~/components/sms/sms-contacts";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("sms");
  return { title: t("title") };
}

/** The SMS contacts (PRODUCT.md C6), beside the chat list on a tablet, in its place on a phone. */
export default function SmsContactsPage() {
  return <SmsContacts />;
}
