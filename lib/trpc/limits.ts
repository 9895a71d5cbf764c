/**
 * Calls in one batched tRPC request. The server refuses a larger batch (server/api/http.ts),
 * so the client's batch link splits at the same size.
 */
export const MAX_BATCH_SIZE = 10;
