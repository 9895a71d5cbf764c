import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppNav } from "~/components/nav/app-nav";
import { NewMessageSound, TitleAttention } from "~/components/nav/attention";
import { StreamProvider } from "~/lib/realtime/stream-provider";
import { TRPCReactProvider } from "~/lib/trpc/client";
import { getSessionActor } from "~/server/api/session";
import { isManager } from "~/server/domain-error";

/** Every page in this group needs a signed-in user; the check reads the session from the database. */
export default async function AppLayout({ children }: { children: ReactNode }) {
  const actor = await getSessionActor(await headers());
  if (!actor) redirect("/sign-in");
  return (
    <TRPCReactProvider>
      <StreamProvider userId={actor.id}>
        <div className="app-shell">
          {children}
          <AppNav isManager={isManager(actor)} />
          <TitleAttention />
          <NewMessageSound />
        </div>
      </StreamProvider>
    </TRPCReactProvider>
  );
}
