import { lookup as dnsLookup } from "node:dns";
import { lookup } from "node:dns/promises";
import { BlockList, type LookupFunction, isIP } from "node:net";
import { DomainError } from "~/server/domain-error";

/**
 * Outbound URLs (webhooks, push endpoints) are checked against SSRF (DESIGN.md invariant 7):
 * https only, and no private, loopback, link-local or otherwise internal address — checked on
 * the name's resolved addresses too, and again right before each request (DNS may change).
 * `allowLoopback` is a test setting (OUTBOUND_ALLOW_LOOPBACK) that admits http(s) to 127.0.0.1/::1.
 */
// Two lists: Node's BlockList also matches an IPv4 address against IPv6 rules through its
// IPv4-mapped form, so one shared list mixed the two families' verdicts.
const blockedV4 = new BlockList();
const blockedV6 = new BlockList();
// Every IPv4 special-purpose block in the IANA registry (RFC 6890 and successors); 240.0.0.0/4
// includes the limited broadcast 255.255.255.255.
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  blockedV4.addSubnet(net, prefix, "ipv4");
}
// IPv6 blocks that are internal, special or that carry an IPv4 address to a relay or
// translator we cannot see behind (6to4, NAT64, IPv4-compatible): refused whatever the IPv4
// inside, since the relay may reach a private one. IPv4-mapped addresses (::ffff:0:0/96) are
// not here: they are the IPv4 address itself, judged by the IPv4 list in isPublicAddress.
for (const [net, prefix] of [
  ["::", 96], // unspecified, loopback and IPv4-compatible
  ["64:ff9b::", 96], // NAT64
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard-only
  ["2001::", 23], // IETF protocol assignments: Teredo, benchmarking, ORCHID…
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4
  ["3fff::", 20], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated, still routed inside some networks)
  ["ff00::", 8], // multicast
] as const) {
  blockedV6.addSubnet(net, prefix, "ipv6");
}

export function isLoopback(address: string): boolean {
  return address === "::1" || address.startsWith("127.");
}

/**
 * An IPv6 address in one spelling (WHATWG URL's: lower case, compressed, no dotted quad), or
 * null for what is not a plain address (a zone id such as fe80::1%eth0 names a local link).
 */
function canonicalV6(address: string): string | null {
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return null;
  }
}

export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !blockedV4.check(address, "ipv4");
  if (family !== 6) return false;
  const canonical = canonicalV6(address);
  if (canonical === null) return false;
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (mapped) {
    const high = Number.parseInt(mapped[1]!, 16);
    const low = Number.parseInt(mapped[2]!, 16);
    return isPublicAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  return !blockedV6.check(canonical, "ipv6");
}

export type OutboundOptions = { allowLoopback: boolean; field?: string };

/** Throws `invalid` with a clear reason unless the URL may be called. Returns the parsed URL. */
export async function assertOutboundUrl(raw: string, options: OutboundOptions): Promise<URL> {
  const field = options.field ?? "url";
  const refuse = (message: string): never => {
    throw new DomainError("invalid", message, { [field]: message });
  };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return refuse("Not a valid URL");
  }
  if (url.username || url.password) refuse("A URL with a user name or password is not allowed");
  // Before any DNS lookup, so the reason is the scheme even for a name that does not resolve.
  if (url.protocol !== "https:" && !(options.allowLoopback && url.protocol === "http:")) refuse("Only https URLs are allowed");
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [host] : await lookup(host, { all: true }).then((list) => list.map((a) => a.address), () => []);
  if (addresses.length === 0) refuse(`The host ${host} cannot be resolved`);
  const loopbackAllowed = options.allowLoopback && addresses.every(isLoopback);
  if (url.protocol !== "https:" && !(loopbackAllowed && url.protocol === "http:")) refuse("Only https URLs are allowed");
  if (!loopbackAllowed && !addresses.every(isPublicAddress)) {
    refuse(`The host ${host} is a private, loopback or link-local address`);
  }
  return url;
}

/** Resolves names only to addresses the policy admits, so DNS cannot be re-pointed after the check. */
export function guardedLookup(policy: { allowLoopback: boolean }): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, "", 0);
      const list = addresses as unknown as { address: string; family: number }[];
      const allowed = list.filter((a) => isPublicAddress(a.address) || (policy.allowLoopback && isLoopback(a.address)));
      if (allowed.length === 0) return callback(new Error(`${hostname} resolves to a private address`), "", 0);
      if ((options as { all?: boolean }).all) return callback(null, allowed, 0);
      return callback(null, allowed[0]!.address, allowed[0]!.family);
    });
  };
}
