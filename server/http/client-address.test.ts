import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { createClientAddressResolver, isProxyEntry, normalizeAddress } from "./client-address";

describe("client address", () => {
  it("ignores X-Forwarded-For when no proxy is trusted: the socket peer is the client", () => {
    const { resolve } = createClientAddressResolver();
    expect(resolve("203.0.113.7", "1.2.3.4")).toBe("203.0.113.7");
    expect(resolve("2001:db8::7", "1.2.3.4, 5.6.7.8")).toBe("2001:db8::7");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    const { resolve } = createClientAddressResolver(["10.0.0.1"]);
    expect(resolve("203.0.113.7", "1.2.3.4")).toBe("203.0.113.7");
  });

  it("believes the hop a trusted proxy appended, not what the client put left of it", () => {
    const { resolve } = createClientAddressResolver(["10.0.0.1"]);
    expect(resolve("10.0.0.1", "6.6.6.6, 203.0.113.7")).toBe("203.0.113.7");
  });

  it("walks through a chain of trusted proxies given as CIDRs", () => {
    const { resolve } = createClientAddressResolver(["10.0.0.0/8", "192.168.1.0/24"]);
    expect(resolve("10.1.2.3", "6.6.6.6, 203.0.113.7, 192.168.1.40, 10.9.9.9")).toBe("203.0.113.7");
    expect(resolve("192.168.2.1", "203.0.113.7")).toBe("192.168.2.1");
  });

  it("matches IPv6 peers against IPv6 CIDRs", () => {
    const { resolve } = createClientAddressResolver(["fd00::/8"]);
    expect(resolve("fd12:3456::1", "2001:DB8::9")).toBe("2001:db8::9");
    expect(resolve("fe80::1", "2001:db8::9")).toBe("fe80::1");
  });

  it("treats an IPv4-mapped IPv6 peer (::ffff:127.0.0.1) as the IPv4 address", () => {
    const { resolve } = createClientAddressResolver(["127.0.0.1"]);
    expect(resolve("::ffff:127.0.0.1", "203.0.113.7")).toBe("203.0.113.7");
    expect(createClientAddressResolver().resolve("::ffff:127.0.0.1", undefined)).toBe("127.0.0.1");
    expect(createClientAddressResolver(["::ffff:10.0.0.0/104"]).resolve("10.0.0.9", "203.0.113.7")).toBe("203.0.113.7");
  });

  it("uses the outermost trusted hop when every hop is a trusted proxy, and stops at a hop that is no address", () => {
    const { resolve } = createClientAddressResolver(["10.0.0.0/8"]);
    expect(resolve("10.0.0.1", "10.0.0.2")).toBe("10.0.0.2");
    expect(resolve("10.0.0.1", "10.0.0.2, junk")).toBe("10.0.0.1");
    expect(resolve("10.0.0.1", undefined)).toBe("10.0.0.1");
    expect(resolve("10.0.0.1", ["6.6.6.6", "203.0.113.7, 10.0.0.3"])).toBe("203.0.113.7");
  });

  it("refuses TRUSTED_PROXIES entries that are not addresses or CIDRs", () => {
    expect(isProxyEntry("10.0.0.0/8")).toBe(true);
    expect(isProxyEntry("::1")).toBe(true);
    for (const bad of ["10.0.0.0/33", "::/129", "10.0.0", "1.2.3.4/8/8", "abc", "10.0.0.0/"]) {
      expect(isProxyEntry(bad), bad).toBe(false);
    }
    expect(() => createClientAddressResolver(["10.0.0.0/33"])).toThrow(/10\.0\.0\.0\/33/);
  });

  it("never lets an untrusted peer choose the address, whatever header it sends", () => {
    const { resolve } = createClientAddressResolver(["10.0.0.0/8"]);
    fc.assert(
      fc.property(fc.ipV4(), fc.array(fc.oneof(fc.ipV4(), fc.ipV6(), fc.string())), (peer, header) => {
        fc.pre(!peer.startsWith("10."));
        expect(resolve(peer, header.join(","))).toBe(normalizeAddress(peer));
      }),
    );
  });
});

describe("forwarded host and scheme", () => {
  const request = (peer: string, headers: Record<string, string>) => ({ socket: { remoteAddress: peer }, headers: { ...headers } }) as unknown as IncomingMessage;
  const forwarded = { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https", host: "10.0.0.5:3000" };

  it("drops X-Forwarded-Host and X-Forwarded-Proto from a peer that is not a trusted proxy: the request's own Host stands", () => {
    const req = request("203.0.113.7", forwarded);
    createClientAddressResolver(["10.0.0.1"]).apply(req);
    expect(req.headers["x-forwarded-host"]).toBeUndefined();
    expect(req.headers["x-forwarded-proto"]).toBeUndefined();
    expect(req.headers.host).toBe("10.0.0.5:3000");
  });

  it("keeps the host and scheme a trusted proxy forwarded", () => {
    const req = request("::ffff:10.0.0.1", forwarded);
    createClientAddressResolver(["10.0.0.1"]).apply(req);
    expect(req.headers["x-forwarded-host"]).toBe("evil.example");
    expect(req.headers["x-forwarded-proto"]).toBe("https");
  });
});
