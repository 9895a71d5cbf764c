import { requestOrigin } from "~/server/auth";

/**
 * Whether a request comes from a page of another site (cross-site request forgery): it carries
 * an `Origin` that is neither our public address nor the address it was sent to (a tablet on
 * the LAN reaching us by IP). Browsers send Origin on every POST, so a forged form or fetch
 * always carries the attacker's. A request without one (a script, a benchmark) is not a
 * browser's and is judged by its cookie alone.
 */
export function isForeignOrigin(request: Request, publicUrl: string): boolean {
  const origin = request.headers.get("origin");
  if (origin === null) return false;
  return origin !== new URL(publicUrl).origin && origin !== requestOrigin(request);
}

export const FOREIGN_ORIGIN_MESSAGE = "Requests from other sites are refused";
