import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { type APIRequestContext, type Browser, expect } from "@playwright/test";
import { ownDevice, signedInUserId } from "./checks";
import { DEMO_PASSWORD } from "./sign-in-page";

// The host system's side of the e2e tests: a webhook receiver, its signature check, and the
// admin's calls through the app's own tRPC API.

/** A signed-in person in a browser context of their own (cookies, stream), optionally in Polish. */
export async function signedInPage(
  browser: Browser,
  baseURL: string,
  username: string,
  options: { colorScheme?: "light" | "dark"; locale?: "en" | "pl"; width?: number } = {},
) {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    colorScheme: options.colorScheme ?? "light",
  });
  const response = await context.request.post("/api/auth/sign-in/username", {
    data: { username, password: DEMO_PASSWORD },
    headers: { origin: baseURL },
  });
  expect(response.status(), await response.text()).toBe(200);
  await ownDevice(context, await signedInUserId(context.request));
  if (options.locale) await context.addCookies([{ name: "locale", value: options.locale, url: baseURL }]);
  return context.newPage();
}

type TrpcResult<T> = { result: { data: { json: T } } };

/** The admin's side, through the app's own tRPC API (the same calls its screens make). */
export async function trpcMutation<T>(request: APIRequestContext, path: string, input: unknown): Promise<T> {
  const response = await request.post(`/api/trpc/${path}`, { data: { json: input } });
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as TrpcResult<T>).result.data.json;
}

/** The receiver's side of the signature (README): HMAC-SHA256 of "<t>.<body>" with the webhook's secret. */
export function verifySignature(header: string, body: string, secret: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match) return false;
  return createHmac("sha256", secret).update(`${match[1]}.${body}`).digest("hex") === match[2];
}

export type Delivery = { headers: http.IncomingHttpHeaders; body: string };

/** A webhook receiver on 127.0.0.1 (the e2e server allows loopback targets). */
export async function startReceiver() {
  const received: Delivery[] = [];
  const waiters: { match: (d: Delivery) => boolean; resolve: (d: Delivery) => void }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const delivery = { headers: req.headers, body: Buffer.concat(chunks).toString("utf8") };
      received.push(delivery);
      res.writeHead(204).end();
      for (const waiter of waiters.filter((w) => w.match(delivery))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(delivery);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/floorchat`,
    next(match: (d: Delivery) => boolean): Promise<Delivery> {
      const found = received.find(match);
      return found ? Promise.resolve(found) : new Promise((resolve) => waiters.push({ match, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

