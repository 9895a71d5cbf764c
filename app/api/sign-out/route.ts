import { getAuth, signOutAndRedirect } from "~/server/auth";

export async function POST(request: Request) {
  return signOutAndRedirect(await getAuth(), request);
}
