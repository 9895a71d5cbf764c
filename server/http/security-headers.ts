import type { ServerResponse } from "node:http";

/**
 * The Content-Security-Policy of every response. Static (the same bytes for every response)
 * rather than per-request nonces: a nonce forces every page to render dynamically and be
 * uncacheable, which costs the phone-speed targets. Every source is our own origin; the
 * exceptions, each needed by something the app does:
 * - script-src 'unsafe-inline': the app router writes its RSC payload into inline <script>
 *   tags whose contents differ per page, so neither hashes nor a static list can name them.
 *   Without a nonce this is the only way to let them run; scripts from any other origin stay
 *   refused, and no 'unsafe-eval' (strings are never turned into code).
 * - script-src 'wasm-unsafe-eval': compiling WebAssembly, which the scanner's ZXing decoder
 *   (public/wasm) needs; it allows no JavaScript eval.
 * - style-src 'unsafe-inline': React style attributes and the emoji picker's injected
 *   stylesheet. Styles cannot run code.
 * - img-src blob: photos still on the device (outbox previews are object URLs).
 * - frame-ancestors 'none': no other page may frame ours, so Approve and Delete cannot be
 *   clickjacked (X-Frame-Options says the same to browsers that predate CSP 2).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'unsafe-inline' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob:",
  "connect-src 'self'",
  "worker-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** The headers every response carries; HSTS only where the public address is https. */
export function securityHeaders(publicUrl: string): Record<string, string> {
  const headers: Record<string, string> = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    // The scanner needs the camera on our own pages; nothing needs the microphone or location.
    "Permissions-Policy": "camera=(self), microphone=(), geolocation=()",
  };
  // Over plain http (a trial on the warehouse LAN) HSTS would be ignored at best, and at worst
  // pin a name to https that has no certificate.
  if (publicUrl.startsWith("https://")) headers["Strict-Transport-Security"] = "max-age=31536000";
  return headers;
}

/**
 * Adds `headers` to the response when its head is written, each unless the handler set its
 * own: a file download keeps its stricter sandboxing policy (server/files/http.ts). Setting
 * them up front instead would hide the handler's, since Next never overwrites a header that
 * is already set.
 */
export function addDefaultHeaders(res: ServerResponse, headers: Record<string, string>): void {
  // Node writes an implicit head through `this.writeHead` too, so this sees every response.
  const writeHead = res.writeHead.bind(res);
  res.writeHead = ((...args: Parameters<ServerResponse["writeHead"]>) => {
    // Headers passed to writeHead itself count as set by the handler.
    const passed = args.find((arg) => typeof arg === "object" && arg !== null && !Array.isArray(arg)) as Record<string, unknown> | undefined;
    const passedNames = new Set(Object.keys(passed ?? {}).map((name) => name.toLowerCase()));
    for (const [name, value] of Object.entries(headers)) {
      if (!res.hasHeader(name) && !passedNames.has(name.toLowerCase())) res.setHeader(name, value);
    }
    return writeHead(...args);
  }) as ServerResponse["writeHead"];
}
