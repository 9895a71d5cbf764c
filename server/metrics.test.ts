import type { IncomingMessage } from "node:http";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { metricsAccess } from "./metrics";

const request = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as IncomingMessage;
const TOKEN = "0123456789abcdef0123456789abcdef";

describe("who may read /metrics", () => {
  it("lets loopback in by default, and no other address", () => {
    const may = metricsAccess({});
    expect(may(request(), "127.0.0.1")).toBe(true);
    expect(may(request(), "::1")).toBe(true);
    expect(may(request(), "::ffff:127.0.0.1")).toBe(true);
    expect(may(request(), "10.0.0.5")).toBe(false);
    expect(may(request(), undefined)).toBe(false);
  });

  it("lets in the addresses and networks of METRICS_ALLOW, and then not loopback unless listed", () => {
    const may = metricsAccess({ allow: ["10.0.0.0/8", "2001:db8::/32"] });
    expect(may(request(), "10.20.30.40")).toBe(true);
    expect(may(request(), "::ffff:10.1.2.3")).toBe(true);
    expect(may(request(), "2001:db8::7")).toBe(true);
    expect(may(request(), "11.0.0.1")).toBe(false);
    expect(may(request(), "127.0.0.1")).toBe(false);
  });

  it("lets in the exact bearer token from anywhere, and a wrong one nowhere, not even from an allowed address", () => {
    const may = metricsAccess({ token: TOKEN, allow: ["10.0.0.0/8"] });
    expect(may(request(`Bearer ${TOKEN}`), "203.0.113.9")).toBe(true);
    expect(may(request(`Bearer ${TOKEN}x`), "10.0.0.1")).toBe(false);
    expect(may(request(TOKEN), "10.0.0.1")).toBe(false);
    expect(may(request(), "10.0.0.1")).toBe(true);
  });

  it("refuses any other Authorization header and any address outside the list (property)", () => {
    const may = metricsAccess({ token: TOKEN, allow: ["10.0.0.0/8"] });
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.ipV4(), (authorization, address) => {
        fc.pre(authorization !== `Bearer ${TOKEN}`);
        expect(may(request(authorization), address)).toBe(false);
        if (!address.startsWith("10.")) expect(may(request(), address)).toBe(false);
      }),
    );
  });
});
