import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { CONTENT_SECURITY_POLICY, addDefaultHeaders, securityHeaders } from "./security-headers";

describe("security headers", () => {
  it("allows scripts, styles, images, workers and connections from our own origin only, without eval", () => {
    const directives = new Map(CONTENT_SECURITY_POLICY.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));
    expect(directives.get("default-src")).toEqual(["'self'"]);
    expect(directives.get("script-src")).toEqual(["'self'", "'unsafe-inline'", "'wasm-unsafe-eval'"]);
    expect(directives.get("connect-src")).toEqual(["'self'"]);
    expect(directives.get("worker-src")).toEqual(["'self'"]);
    expect(directives.get("img-src")).toEqual(["'self'", "blob:"]);
    expect(directives.get("frame-ancestors")).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY).not.toContain("'unsafe-eval'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*/);
  });

  it("sends HSTS only when the public URL is https", () => {
    expect(securityHeaders("https://chat.example.com")["Strict-Transport-Security"]).toBe("max-age=31536000");
    expect(securityHeaders("http://10.0.0.5:3000")).not.toHaveProperty("Strict-Transport-Security");
  });

  describe("addDefaultHeaders", () => {
    /** The headers a real node:http response carries when `handler` writes it. */
    async function serve(handler: (res: http.ServerResponse) => void): Promise<Headers> {
      const server = http.createServer((_req, res) => {
        addDefaultHeaders(res, securityHeaders("http://localhost"));
        handler(res);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      try {
        const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { headers: { connection: "close" } });
        await response.arrayBuffer();
        return response.headers;
      } finally {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    }

    it("adds the headers to a response whose head is written implicitly", async () => {
      const headers = await serve((res) => res.end("ok"));
      expect(headers.get("x-content-type-options")).toBe("nosniff");
      expect(headers.get("content-security-policy")).toBe(CONTENT_SECURITY_POLICY);
    });

    it("adds the headers to a response written with writeHead", async () => {
      const headers = await serve((res) => res.writeHead(200, { "Content-Type": "text/plain" }).end("ok"));
      expect(headers.get("x-frame-options")).toBe("DENY");
      expect(headers.get("content-type")).toBe("text/plain");
    });

    it("keeps a handler's own policy rather than replacing it", async () => {
      const own = "sandbox; default-src 'none'";
      const set = await serve((res) => {
        res.setHeader("Content-Security-Policy", own);
        res.end("ok");
      });
      expect(set.get("content-security-policy")).toBe(own);
      const passed = await serve((res) => res.writeHead(200, { "content-security-policy": own }).end("ok"));
      expect(passed.get("content-security-policy")).toBe(own);
      expect(passed.get("referrer-policy")).toBe("same-origin");
    });
  });
});
