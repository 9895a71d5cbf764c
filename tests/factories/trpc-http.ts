import http from "node:http";
import type { AddressInfo } from "node:net";
import { type TrpcHttpOptions, createTrpcHandler } from "~/server/api/http";

export type HttpCall = {
  method?: "GET" | "POST" | "PUT" | "OPTIONS";
  headers?: Record<string, string>;
  /** Sent whole, or piece by piece (chunked) as a stream's chunks arrive; none: the headers only. */
  body?: string | ReadableStream<Uint8Array>;
};

/** A body that arrives in pieces without declaring its length, as a chunked upload does. */
export function chunkedBody(bytes: number): ReadableStream<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= bytes) return controller.close();
      controller.enqueue(chunk);
      sent += chunk.byteLength;
    },
  });
}

/** Until the request can take more, or is gone. */
function drained(req: http.ClientRequest): Promise<void> {
  return new Promise((resolve) => {
    const go = () => {
      req.off("drain", go).off("close", go);
      resolve();
    };
    req.on("drain", go).on("close", go);
  });
}

/**
 * Serves `/api/trpc/*` with the standalone handler on a loopback port, as server/main.ts does.
 * Requests go through node:http (not fetch) so a test may set Host and send a body piecemeal.
 */
export async function serveTrpc(options: TrpcHttpOptions) {
  const handle = createTrpcHandler(options);
  const server = http.createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  function call(path: string, init: HttpCall = {}): Promise<Response> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: "127.0.0.1", port, path: `/api/trpc/${path}`, method: init.method ?? "GET", headers: init.headers });
      req.on("error", reject);
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) if (typeof value === "string") headers.set(name, value);
          resolve(new Response(res.statusCode === 204 || res.statusCode === 304 ? null : Buffer.concat(chunks), { status: res.statusCode, headers }));
        });
      });
      const body = init.body;
      if (body === undefined) {
        // Headers out now, body never: an answer proves the server did not wait for it.
        if (init.headers?.["content-length"]) req.flushHeaders();
        else req.end();
      } else if (typeof body === "string") {
        req.end(body);
      } else {
        void (async () => {
          const reader = body.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) return void req.end();
            // The server answered and hung up: nothing more to send.
            if (req.destroyed) return void (await reader.cancel());
            if (!req.write(value)) await drained(req);
          }
        })().catch(() => undefined);
      }
    });
  }

  return {
    call,
    /** The endpoint's address, for a tRPC client. */
    url: `http://127.0.0.1:${port}/api/trpc`,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
