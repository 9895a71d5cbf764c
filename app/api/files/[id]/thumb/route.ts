import { handleDownload } from "~/server/files/http";
import { fileRouteContext } from "~/server/files/process";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return handleDownload(request, await fileRouteContext(request), (await params).id, "thumb");
}
