import type { IncomingMessage } from "node:http";
import { BlockList, isIP } from "node:net";

/**
 * Who is on the other end of a request. better-auth and the sign-in throttle read the client from
 * `X-Forwarded-For`, and Next.js fills that header only when it is missing, so a client could name
 * any address it liked — a new one per request meant unlimited password guesses. The custom
 * server therefore rewrites the header on every request: the socket's peer address, unless the
 * peer is a trusted proxy, in which case the hops the proxies appended are believed. The same
 * goes for `X-Forwarded-Host` and `X-Forwarded-Proto`: kept from a trusted proxy only.
 */

/** `::ffff:10.0.0.5` (how a dual-stack socket reports an IPv4 peer) is the IPv4 address 10.0.0.5. */
export function normalizeAddress(address: string): string | null {
  const trimmed = address.trim();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed)?.[1];
  if (mapped && isIP(mapped) === 4) return mapped;
  const family = isIP(trimmed);
  if (family === 4) return trimmed;
  if (family === 6) return trimmed.toLowerCase();
  return null;
}

function parseEntry(entry: string): { address: string; prefix: number; family: "ipv4" | "ipv6" } | null {
  const [rawAddress = "", rawPrefix, ...rest] = entry.trim().split("/");
  if (rest.length > 0) return null;
  const address = normalizeAddress(rawAddress);
  if (!address) return null;
  const family = isIP(address) === 4 ? "ipv4" : "ipv6";
  const bits = family === "ipv4" ? 32 : 128;
  if (rawPrefix === undefined) return { address, prefix: bits, family };
  // ::ffff:10.0.0.0/104 is 10.0.0.0/8: the mapped form's first 96 bits are the fixed ::ffff: part.
  const offset = family === "ipv4" && isIP(rawAddress) === 6 ? 96 : 0;
  const prefix = Number(rawPrefix) - offset;
  if (!/^\d{1,3}$/.test(rawPrefix) || prefix < 0 || prefix > bits) return null;
  return { address, prefix, family };
}

/** Whether a TRUSTED_PROXIES entry is an IP address or a CIDR (env.ts refuses anything else). */
export function isProxyEntry(entry: string): boolean {
  return parseEntry(entry) !== null;
}

export type ClientAddressResolver = {
  /** The client's address, given the socket peer and the `X-Forwarded-For` it sent. */
  resolve: (peer: string | undefined, forwardedFor: string | string[] | undefined) => string | null;
  /** Overwrites the request's `X-Forwarded-For` with the one address everything downstream believes. */
  apply: (request: IncomingMessage) => void;
};

/** Whether a normalised address is one of `entries` (addresses or CIDRs). */
export function addressMatcher(entries: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const parsed = parseEntry(entry);
    if (!parsed) throw new Error(`Not an IP address or CIDR: ${JSON.stringify(entry)}`);
    list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return (address) => isIP(address) !== 0 && list.check(address, isIP(address) === 4 ? "ipv4" : "ipv6");
}

export function createClientAddressResolver(trustedProxies: readonly string[] = []): ClientAddressResolver {
  const isTrusted = addressMatcher(trustedProxies);

  function resolve(peer: string | undefined, forwardedFor: string | string[] | undefined): string | null {
    const peerAddress = peer === undefined ? null : normalizeAddress(peer);
    if (!peerAddress || !isTrusted(peerAddress)) return peerAddress;
    // Each proxy appends the address it received from, so the chain is read from the right: the
    // first hop no trusted proxy vouches for is the client. Anything left of it is what the
    // client itself claimed, and is ignored.
    const hops = [forwardedFor ?? []].flat().join(",").split(",").filter((hop) => hop.trim() !== "");
    let client = peerAddress;
    for (const hop of hops.reverse()) {
      const address = normalizeAddress(hop);
      // A hop that is not an address was not written by a proxy we trust: stop at the last one we did.
      if (!address) break;
      client = address;
      if (!isTrusted(address)) break;
    }
    return client;
  }

  return {
    resolve,
    apply(request) {
      const client = resolve(request.socket.remoteAddress, request.headers["x-forwarded-for"]);
      if (client) request.headers["x-forwarded-for"] = client;
      else delete request.headers["x-forwarded-for"];
      // The host and scheme a request was made to (the Origin check, server/auth.ts) come from
      // a trusted proxy too, or from the request itself.
      const peer = request.socket.remoteAddress === undefined ? null : normalizeAddress(request.socket.remoteAddress);
      if (!peer || !isTrusted(peer)) {
        delete request.headers["x-forwarded-host"];
        delete request.headers["x-forwarded-proto"];
      }
    },
  };
}
