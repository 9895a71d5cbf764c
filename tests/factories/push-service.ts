import { createECDH, createDecipheriv, createPublicKey, hkdfSync, randomBytes, verify } from "node:crypto";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect } from "vitest";
import type { PushPayload } from "~/server/services/push";

/** A self-signed certificate for 127.0.0.1, made for this run and deleted after it. */
export function makeCertificate() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-push-"));
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
    "-keyout", key, "-out", cert, "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
  ], { stdio: "ignore" });
  const pair = { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
  fs.rmSync(dir, { recursive: true, force: true });
  return pair;
}

/** A browser's side of a subscription: its P-256 key pair and 16-byte auth secret. */
export function makeBrowserKeys() {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  const auth = randomBytes(16);
  return { ecdh, auth, p256dh: ecdh.getPublicKey().toString("base64url"), authText: auth.toString("base64url") };
}
type BrowserKeys = ReturnType<typeof makeBrowserKeys>;

/** RFC 8291 with RFC 8188's aes128gcm: what the browser does with a push message's body. */
function decrypt(body: Buffer, keys: BrowserKeys): string {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const senderKey = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const secret = keys.ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), keys.ecdh.getPublicKey(), senderKey]);
  const ikm = Buffer.from(hkdfSync("sha256", secret, keys.auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(-16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, -16)), decipher.final()]);
  // The last record ends with a 0x02 delimiter followed by zero or more padding zeros.
  let end = padded.length - 1;
  while (padded[end] === 0) end--;
  expect(padded[end]).toBe(2);
  return padded.subarray(0, end).toString("utf8");
}

/** Checks `Authorization: vapid t=<JWT>, k=<public key>` (RFC 8292); returns the problem, or null. */
function checkVapid(header: string | undefined, origin: string): { problem: string | null; k: string } {
  const match = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header ?? "");
  if (!match) return { problem: "no vapid authorization", k: "" };
  const [, jwt, k] = match as unknown as [string, string, string];
  const [head, claims, signature] = jwt.split(".") as [string, string, string];
  const point = Buffer.from(k, "base64url");
  const key = createPublicKey({
    key: { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33, 65).toString("base64url") },
    format: "jwk",
  });
  const isSigned = verify("sha256", Buffer.from(`${head}.${claims}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(signature, "base64url"));
  if (!isSigned) return { problem: "bad ES256 signature", k };
  if ((JSON.parse(Buffer.from(head, "base64url").toString()) as { alg: string }).alg !== "ES256") return { problem: "not ES256", k };
  const payload = JSON.parse(Buffer.from(claims, "base64url").toString()) as { aud: string; exp: number; sub?: string };
  const now = Date.now() / 1000;
  if (payload.aud !== origin) return { problem: `aud ${payload.aud}`, k };
  if (!(payload.exp > now && payload.exp <= now + 24 * 3600)) return { problem: `exp ${payload.exp}`, k };
  if (!payload.sub) return { problem: "no sub", k };
  return { problem: null, k };
}

type Received = { path: string; ttl: string | undefined; urgency: string | undefined; topic: string | undefined; k: string; payload: PushPayload };

/**
 * A push service on 127.0.0.1 over https: it checks each request as a real one would (VAPID,
 * TTL, Urgency, aes128gcm), decrypts the body with the subscription's keys, and answers the
 * statuses queued for a path in turn (then 201).
 */
export async function pushService(tls: { key: Buffer; cert: Buffer }) {
  const subscribers = new Map<string, BrowserKeys>();
  const answers = new Map<string, number[]>();
  const received: Received[] = [];
  const problems: string[] = [];
  const server = https.createServer(tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const urlPath = req.url ?? "";
      const keys = subscribers.get(urlPath);
      const vapid = checkVapid(req.headers.authorization, origin);
      const problem =
        !keys ? `unknown endpoint ${urlPath}`
        : vapid.problem ? vapid.problem
        : req.headers["content-encoding"] !== "aes128gcm" ? "not aes128gcm"
        : !/^\d+$/.test(String(req.headers.ttl)) ? "no TTL"
        : !["very-low", "low", "normal", "high"].includes(String(req.headers.urgency)) ? "bad Urgency"
        : null;
      if (problem || !keys) {
        problems.push(problem ?? "");
        res.writeHead(400).end(problem);
        return;
      }
      received.push({
        path: urlPath,
        ttl: req.headers.ttl as string,
        urgency: req.headers.urgency as string,
        topic: req.headers.topic as string | undefined,
        k: vapid.k,
        payload: JSON.parse(decrypt(Buffer.concat(chunks), keys)) as PushPayload,
      });
      res.writeHead(answers.get(urlPath)?.shift() ?? 201).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let count = 0;
  return {
    received,
    problems,
    /** A new browser subscription: its endpoint on this service and its keys. */
    subscription(name: string) {
      const urlPath = `/push/${name}-${++count}`;
      const keys = makeBrowserKeys();
      subscribers.set(urlPath, keys);
      return { path: urlPath, endpoint: origin + urlPath, keys: { p256dh: keys.p256dh, auth: keys.authText } };
    },
    answer(urlPath: string, statuses: number[]) {
      answers.set(urlPath, statuses);
    },
    to: (urlPath: string) => received.filter((r) => r.path === urlPath),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

