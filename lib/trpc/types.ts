import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type ChatSummary = RouterOutputs["chat"]["list"][number];
export type Person = RouterOutputs["people"]["list"][number];
export type Member = RouterOutputs["chat"]["members"][number];
export type Resolution = RouterOutputs["entity"]["resolve"];
export type RecordRef = Extract<Resolution, { outcome: "choose" }>["choices"][number];
