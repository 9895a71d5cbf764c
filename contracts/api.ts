/**
 * The tRPC router's type, the one thing the browser takes from the server: types only, erased
 * at build time, so no server code reaches a bundle. Everything a component needs to know about
 * an answer is derived from it here.
 */
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "~/server/api/root";

export type { AppRouter };
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
