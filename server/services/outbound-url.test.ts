import { describe, expect, it } from "vitest";
import { assertOutboundUrl, isPublicAddress } from "./outbound-url";

describe("outbound URL check (DESIGN.md invariant 7)", () => {
  it("admits public IPv4 and IPv6 addresses", () => {
    for (const address of ["1.1.1.1", "93.184.215.14", "8.8.8.8", "2606:4700:4700::1111"]) expect(isPublicAddress(address), address).toBe(true);
  });

  it("refuses private, loopback, link-local and mapped internal addresses", () => {
    for (const address of ["10.0.0.1", "127.0.0.1", "169.254.169.254", "192.168.1.20", "172.16.5.4", "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1"]) {
      expect(isPublicAddress(address), address).toBe(false);
    }
  });

  it("accepts an https URL on a public IP and refuses http before looking the name up", async () => {
    await expect(assertOutboundUrl("https://1.1.1.1/hook", { allowLoopback: false })).resolves.toBeInstanceOf(URL);
    await expect(assertOutboundUrl("http://no-such-host.invalid/", { allowLoopback: false })).rejects.toMatchObject({ fields: { url: "Only https URLs are allowed" } });
  });
});
