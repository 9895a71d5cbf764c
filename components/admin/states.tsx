/** The per-field messages of a refused tRPC call (server/api/trpc.ts errorFormatter). */
export function fieldErrors(error: unknown): Record<string, string> {
  const fields = (error as { data?: { fields?: Record<string, string> | null } } | null)?.data?.fields;
  return fields ?? {};
}

/** True when the server refused the input (4xx), as opposed to a network or server failure. */
export function isRefusal(error: unknown): boolean {
  const status = (error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus ?? 0;
  return status >= 400 && status < 500;
}
