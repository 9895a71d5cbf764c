"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpLink, splitLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { type ReactNode, useState } from "react";
import { MAX_BATCH_SIZE } from "~/lib/trpc/limits";
import { shareEqual } from "~/lib/trpc/share";
import { wire } from "~/lib/trpc/wire";
import type { AppRouter } from "~/contracts/api";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      // Live events will keep the cache fresh; refetching on every focus only costs battery.
      queries: {
        staleTime: 30_000,
        structuralSharing: shareEqual,
        refetchOnWindowFocus: false,
        // A refusal (not found, forbidden, signed out) does not change on a retry; a network
        // or server error may.
        retry: (failures, error) => {
          const status = (error as { data?: { httpStatus?: number } }).data?.httpStatus ?? 0;
          return failures < 3 && (status === 0 || status >= 500);
        },
      },
    },
  });
}

export function TRPCReactProvider({ children }: { children: ReactNode }) {
  const [queryClient] = useState(makeQueryClient);
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        // Queries one per request: each has a stable URL, which the service worker can keep for
        // offline use (a batch's URL changes with whatever else happened to be asked at once).
        splitLink({
          condition: (op) => op.type === "query",
          true: httpLink({ url: "/api/trpc", transformer: wire }),
          false: httpBatchLink({ url: "/api/trpc", transformer: wire, maxItems: MAX_BATCH_SIZE }),
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
