import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assertOutboundUrl, isPublicAddress } from "./outbound-url";

/** The IANA IPv4 special-purpose blocks, as the rule to test against (not the code's list). */
const BLOCKED_V4: [string, number][] = [
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
];

/** IPv6 blocks refused whatever follows the prefix (6to4, NAT64 and IPv4-compatible included). */
const BLOCKED_V6: [string, number][] = [
  ["::", 96],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["3fff::", 20],
  ["fc00::", 7],
  ["fe80::", 10],
  ["fec0::", 10],
  ["ff00::", 8],
];

const v4ToInt = (address: string) => address.split(".").reduce((n, part) => n * 256 + Number(part), 0);
const intToV4 = (n: number) => [24, 16, 8, 0].map((shift) => (n >>> shift) & 255).join(".");
const maskV4 = (prefix: number) => (prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0);
const inV4 = (n: number, [net, prefix]: [string, number]) => ((n & maskV4(prefix)) >>> 0) === v4ToInt(net);

/** An IPv6 address as eight 16-bit groups (no "::" in `net` beyond the usual compression). */
function v6Groups(address: string): number[] {
  const [head, tail = ""] = address.split("::");
  const parse = (part: string) => (part ? part.split(":").map((g) => Number.parseInt(g, 16)) : []);
  const left = parse(head!);
  const right = parse(tail);
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}
/** The prefix's bits from `net`, the rest from `random`. */
function withPrefix(net: number[], prefix: number, random: number[]): number[] {
  return net.map((group, i) => {
    const bits = Math.max(0, Math.min(16, prefix - i * 16));
    const mask = bits === 0 ? 0 : (0xffff << (16 - bits)) & 0xffff;
    return (group & mask) | (random[i]! & ~mask & 0xffff);
  });
}
const inV6 = (groups: number[], [net, prefix]: [string, number]) => withPrefix(v6Groups(net), prefix, groups).every((g, i) => g === groups[i]);
/** Written out in full: the code must not depend on the spelling. */
const spellV6 = (groups: number[]) => groups.map((g) => g.toString(16).padStart(4, "0")).join(":");

const v4Int = fc.integer({ min: 0, max: 0xffffffff });
const v6Random = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
const blockedV4 = fc.tuple(fc.constantFrom(...BLOCKED_V4), v4Int).map(([[net, prefix], n]) => intToV4(((v4ToInt(net) & maskV4(prefix)) | (n & ~maskV4(prefix))) >>> 0));
const publicV4 = v4Int.filter((n) => !BLOCKED_V4.some((range) => inV4(n, range))).map(intToV4);

describe("outbound address blocklist (IANA special-purpose registries)", () => {
  it("refuses any IPv4 address inside a special-purpose block", () => {
    fc.assert(fc.property(blockedV4, (address) => {
        expect(isPublicAddress(address), address).toBe(false);
      }), { numRuns: 2000 });
  });

  it("refuses any IPv6 address inside a blocked block, however it is spelt, whatever IPv4 it embeds", () => {
    const blocked = fc.tuple(fc.constantFrom(...BLOCKED_V6), v6Random).map(([[net, prefix], random]) => withPrefix(v6Groups(net), prefix, random));
    fc.assert(
      fc.property(blocked, fc.boolean(), (groups, full) => {
        const address = full ? spellV6(groups) : new URL(`http://[${spellV6(groups)}]/`).hostname.slice(1, -1);
        expect(isPublicAddress(address), address).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it("judges an IPv4-mapped address by its IPv4 address, in every spelling", () => {
    fc.assert(
      fc.property(fc.oneof(blockedV4, publicV4), (v4) => {
        const expected = !BLOCKED_V4.some((range) => inV4(v4ToInt(v4), range));
        const n = v4ToInt(v4);
        const hex = `${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
        for (const address of [`::ffff:${v4}`, `::FFFF:${hex}`, `0:0:0:0:0:ffff:${v4}`]) expect(isPublicAddress(address), address).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it("admits IPv4 and global unicast IPv6 addresses outside every blocked block", () => {
    fc.assert(fc.property(publicV4, (address) => {
        expect(isPublicAddress(address), address).toBe(true);
      }), { numRuns: 2000 });
    const globalUnicast = v6Random
      .map((random) => withPrefix(v6Groups("2000::"), 3, random))
      .filter((groups) => !BLOCKED_V6.some((range) => inV6(groups, range)));
    fc.assert(fc.property(globalUnicast, (groups) => {
        expect(isPublicAddress(spellV6(groups)), spellV6(groups)).toBe(true);
      }), { numRuns: 2000 });
  });

  it("refuses an address with a zone id and whatever is not an address", () => {
    for (const address of ["fe80::1%eth0", "2606:4700::1111%1", "localhost", "127.1", ""]) expect(isPublicAddress(address), address).toBe(false);
  });
});

describe("outbound URL check (DESIGN.md invariant 7)", () => {
  it("admits public IPv4 and IPv6 addresses", () => {
    for (const address of ["1.1.1.1", "93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"]) expect(isPublicAddress(address), address).toBe(true);
  });

  it("refuses private, loopback, link-local and mapped internal addresses", () => {
    for (const address of ["10.0.0.1", "127.0.0.1", "169.254.169.254", "192.168.1.20", "172.16.5.4", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1", "2002:7f00:1::1", "64:ff9b::a9fe:a9fe", "::127.0.0.1", "fec0::1", "192.88.99.1", "255.255.255.255"]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it("accepts an https URL on a public IP and refuses http before looking the name up", async () => {
    await expect(assertOutboundUrl("https://1.1.1.1/hook", { allowLoopback: false })).resolves.toBeInstanceOf(URL);
    await expect(assertOutboundUrl("http://no-such-host.invalid/", { allowLoopback: false })).rejects.toMatchObject({ fields: { url: "Only https URLs are allowed" } });
  });
});
