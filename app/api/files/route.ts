import { handleUpload } from "~/server/files/http";
import { fileRouteContext } from "~/server/files/process";

// Uploads stream their bytes in (server/files/http.ts); never cached or prerendered.
export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return handleUpload(request, await fileRouteContext(request));
}
