import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refuseMalformedRequest } from "~/server/http/request-guard";

type Answer = { status: number; allow: string | undefined; body: string };

/**
 * Requests bench:fuzz found answered with a 500 by Next.js, sent the way server/main.ts receives
 * them: the guard in front, and behind it a stand-in for Next that records what reached it.
 */
describe("malformed requests in front of Next.js (DESIGN.md invariant 6)", () => {
  let server: http.Server;
  let port: number;
  const reached: string[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      if (refuseMalformedRequest(req, res)) return;
      reached.push(`${req.method} ${req.url}`);
      res.end("next");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  // node:http, not fetch: fetch refuses TRACE and would re-encode the path.
  const send = (method: string, path: string) =>
    new Promise<Answer>((resolve, reject) => {
      const request = http.request({ host: "127.0.0.1", port, method, path, agent: false }, (response) => {
        let body = "";
        response.on("data", (chunk: Buffer) => (body += chunk.toString()));
        response.on("end", () => resolve({ status: response.statusCode!, allow: response.headers.allow, body }));
      });
      request.on("error", reject);
      request.end();
    });

  it("answers 405 with Allow to a method Next.js does not serve, and passes nothing on", async () => {
    for (const method of ["TRACE", "PROPFIND", "M-SEARCH"]) {
      const answer = await send(method, "/api/trpc/user.me");
      expect(answer.status).toBe(405);
      expect(answer.allow).toBe("GET, HEAD, POST, PUT, DELETE, PATCH, OPTIONS");
      expect((JSON.parse(answer.body) as { error: { code: string } }).error.code).toBe("method_not_allowed");
    }
    expect(reached).toEqual([]);
  });

  it("answers 400 to a path that is not percent-encoded UTF-8 (bad escape, cut sequence, overlong, surrogate), and passes nothing on", async () => {
    for (const path of ["/api/files/%zz", "/api/files/%E0%A4%A/thumb", "/api/auth/%", "/api/v1/entities/%C0%80/x/history", "/api/v1/approvals/%ED%A0%80", "/chats/%zz"]) {
      const answer = await send("GET", path);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toEqual({ error: { code: "invalid", message: "The path has bad percent-encoding" } });
    }
    expect(reached).toEqual([]);
  });

  it("passes well-formed requests on, bad percent-encoding in the query included (each route judges its own query)", async () => {
    expect((await send("GET", "/api/files/%E2%82%AC")).body).toBe("next");
    expect((await send("OPTIONS", "/api/trpc/user.me?input=%zz")).body).toBe("next");
    expect(reached).toEqual(["GET /api/files/%E2%82%AC", "OPTIONS /api/trpc/user.me?input=%zz"]);
  });
});
