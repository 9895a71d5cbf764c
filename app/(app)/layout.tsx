import { headers } from "next/headers";
import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { AppNav } from "~/components/nav/app-nav";
import { DemoPasswordBanner } from "~/components/nav/demo-password-banner";
import { DeviceOwnerGate } from "~/components/pwa/device-owner-gate";
import { OfflineBanner } from "~/components/pwa/offline-banner";
import { ServiceWorker } from "~/components/pwa/service-worker";
import { OutboxRunner } from "~/components/pwa/outbox-runner";
import { NewMessageSound, TitleAttention } from "~/components/nav/attention";
import { ChatRequestAlert } from "~/components/nav/chat-request-alert";
import { ScanWedge } from "~/components/scan/scan-wedge";
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
      <DeviceOwnerGate userId={actor.id}>
        <StreamProvider userId={actor.id}>
          <ScanWedge>
            <div className="app-shell">
              <OfflineBanner userId={actor.id} />
              {actor.role === "admin" && <DemoPasswordBanner />}
              {children}
              <AppNav isManager={isManager(actor)} />
              <TitleAttention />
              <NewMessageSound />
              <ChatRequestAlert />
              <OutboxRunner userId={actor.id} />
              <ServiceWorker />
            </div>
          </ScanWedge>
        </StreamProvider>
      </DeviceOwnerGate>
    </TRPCReactProvider>
  );
}
