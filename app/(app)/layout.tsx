import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppHeader } from "~/components/app-header";
import { TRPCReactProvider } from "~/lib/trpc/client";
import { getSessionActor } from "~/server/api/session";

/** Every page in this group needs a signed-in user; the check reads the session from the database. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const actor = await getSessionActor(await headers());
  if (!actor) redirect("/sign-in");
  return (
    <TRPCReactProvider>
      <div className="app-shell">
        <AppHeader />
        {children}
      </div>
    </TRPCReactProvider>
  );
}
