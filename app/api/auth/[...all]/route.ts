import { getAuth } from "~/server/auth";
import { handleAuthRequest } from "~/server/http/auth";

async function handler(req: Request) {
  return handleAuthRequest(req, await getAuth());
}

export { handler as GET, handler as POST };
