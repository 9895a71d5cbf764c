import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SearchScreen } from "~/components/search/search-screen";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("search");
  return { title: t("title") };
}

type Params = Record<string, string | string[] | undefined>;

const one = (value: string | string[] | undefined) => (typeof value === "string" ? value : "");

/** Search from the address (Back from a result lands here with the same query and filters). */
export default async function SearchPage({ searchParams }: { searchParams: Promise<Params> }) {
  const params = await searchParams;
  const date = (value: string) => (/^\d{4}-\d{2}-\d{2}$/.test(value) ? value : "");
  return (
    <SearchScreen
      initial={{
        q: one(params.q).slice(0, 200),
        filters: {
          chatId: /^[0-9a-f-]{36}$/i.test(one(params.chatId)) ? one(params.chatId) : "",
          senderId: one(params.senderId),
          from: date(one(params.from)),
          to: date(one(params.to)),
          hasFile: one(params.hasFile) === "1",
        },
      }}
    />
  );
}
