import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { Suspense } from "react";
import { SearchScreen } from "~/components/search/search-screen";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("search");
  return { title: t("title") };
}

export default function SearchPage() {
  // The screen reads its query from the address (useSearchParams), which needs a boundary.
  return (
    <Suspense>
      <SearchScreen />
    </Suspense>
  );
}
