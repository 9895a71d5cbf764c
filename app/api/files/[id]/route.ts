import { handleDiscard, handleDownload } from "~/server/files/http";
import { fileRouteContext } from "~/server/files/process";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export async function GET(request: Request, { params }: Params) {
  return handleDownload(request, await fileRouteContext(request), (await params).id, "original");
}

export async function DELETE(request: Request, { params }: Params) {
  return handleDiscard(request, await fileRouteContext(request), (await params).id);
}
