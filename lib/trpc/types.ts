import type { RouterOutputs } from "~/contracts/api";

export type { RouterInputs, RouterOutputs } from "~/contracts/api";
export type ChatSummary = RouterOutputs["chat"]["list"][number];
export type Person = RouterOutputs["people"]["list"][number];
export type Member = RouterOutputs["chat"]["members"][number];
export type Resolution = RouterOutputs["entity"]["resolve"];
export type RecordRef = Extract<Resolution, { outcome: "choose" }>["choices"][number];
