import { handleRestRequest } from "~/server/rest";

// The REST API for scripts: every method goes through one dispatcher (server/rest/core.ts).
export const dynamic = "force-dynamic";
export { handleRestRequest as GET, handleRestRequest as POST, handleRestRequest as PUT, handleRestRequest as DELETE };
