import { X509Certificate, createPrivateKey } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import type { TLSSocket } from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type AppProcess, freePorts, runScript, startApp, stopApp, waitHealthy } from "../factories/app-process";

/**
 * HTTPS on a LAN (README): `npm run tls:local` makes an authority and a server certificate, and
 * an embedded app started with them answers https on PORT and, on HTTP_PORT, hands out the
 * authority and sends everything else to https. The database plays no part, so this runs in the
 * embedded pass only.
 */
const embedded = { DATABASE_URL: "", REDIS_URL: "", AUTH_SECRET: "", S3_BUCKET: "", SEED_DEMO: "0" };

function tlsLocal(dataDir: string): Promise<{ code: number | null; out: string }> {
  return runScript("tls-local", [], { ...embedded, DATA_DIR: dataDir, PORT: "", HTTP_PORT: "", TLS_CERT: "", TLS_KEY: "" });
}

type Answer = { status: number; headers: http.IncomingHttpHeaders; body: string; peerAltNames?: string };

/** One request on a connection of its own (so each https one makes its own handshake). */
function request(url: string, options: https.RequestOptions = {}): Promise<Answer> {
  const transport = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const req = transport.request(url, { agent: false, ...options }, (res) => {
      const peerAltNames = res.socket && "getPeerCertificate" in res.socket ? (res.socket as TLSSocket).getPeerCertificate().subjectaltname : undefined;
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, peerAltNames }));
    });
    req.on("error", reject);
    req.end(options.method === "POST" ? "{}" : undefined);
  });
}

describe.skipIf(process.env.DATABASE_URL)("HTTPS on a LAN: npm run tls:local and an app serving its certificate", () => {
  // Made in beforeAll: a skipped suite's body still runs, and its afterAll would not remove it.
  let dataDir: string;
  let tlsDir: string;
  const file = (name: string) => fs.readFileSync(path.join(tlsDir, name), "utf8");
  let app: AppProcess | undefined;
  let made: { code: number | null; out: string };
  let ca: string;
  let httpOrigin: string;

  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-tls-test-"));
    tlsDir = path.join(dataDir, "tls");
    made = await tlsLocal(dataDir);
    expect(made.code, made.out).toBe(0);
    ca = file("ca.crt");
    const [port, httpPort] = await freePorts(2);
    httpOrigin = `http://127.0.0.1:${httpPort}`;
    app = startApp(
      port!,
      { ...embedded, DATA_DIR: dataDir, TLS_CERT: path.join(tlsDir, "server.crt"), TLS_KEY: path.join(tlsDir, "server.key"), HTTP_PORT: String(httpPort) },
      { ca },
    );
    await waitHealthy(app);
  }, 120_000);

  afterAll(async () => {
    if (app) await stopApp(app);
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  }, 30_000);

  it("prints the environment lines and the install page's address", () => {
    expect(made.out).toContain(`TLS_CERT=${path.join(tlsDir, "server.crt")}`);
    expect(made.out).toContain(`TLS_KEY=${path.join(tlsDir, "server.key")}`);
    expect(made.out).toMatch(/PUBLIC_URL=https:\/\/\S+:3000\n/);
    expect(made.out).toMatch(/HTTP_PORT=8080\n/);
    expect(made.out).toMatch(/open http:\/\/\S+:8080\/install-certificate/);
    expect(made.out).toContain(new X509Certificate(ca).fingerprint256);
  });

  it("makes a P-256 authority (10 years, CA only) and a server certificate for this machine's names within Apple's 825 days", () => {
    const authority = new X509Certificate(ca);
    const server = new X509Certificate(file("server.crt"));
    const days = (certificate: X509Certificate) => (Date.parse(certificate.validTo) - Date.parse(certificate.validFrom)) / 86_400_000;
    expect(authority.ca).toBe(true);
    expect(authority.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(days(authority)).toBe(3650);
    expect(server.ca).toBe(false);
    expect(server.publicKey.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");
    expect(days(server)).toBeLessThanOrEqual(825);
    expect(server.keyUsage).toEqual(["1.3.6.1.5.5.7.3.1"]); // extendedKeyUsage serverAuth only
    expect(server.verify(authority.publicKey)).toBe(true);
    const altNames = server.subjectAltName!.split(", ");
    const hostname = os.hostname().toLowerCase();
    expect(altNames).toEqual(expect.arrayContaining(["DNS:localhost", "IP Address:127.0.0.1", "IP Address:0:0:0:0:0:0:0:1", `DNS:${hostname}`, `DNS:${hostname.split(".")[0]}.local`]));
    const lan = Object.values(os.networkInterfaces()).flat().filter((address) => address && !address.internal && address.family === "IPv4");
    for (const address of lan) expect(altNames).toContain(`IP Address:${address!.address}`);
    expect(fs.statSync(path.join(tlsDir, "ca.key")).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.join(tlsDir, "server.key")).mode & 0o777).toBe(0o600);
  });

  it("answers https that is checked against the generated authority alone, for 127.0.0.1 and for localhost", async () => {
    const byAddress = await request(`${app!.origin}/api/health`, { ca });
    expect(byAddress.status).toBe(200);
    expect(byAddress.peerAltNames).toContain("IP Address:127.0.0.1");
    expect(byAddress.peerAltNames).toContain("DNS:localhost");
    // The name a browser on this machine would check: localhost, on the same socket address.
    const byName = await request(`${app!.origin}/api/health`, { ca, servername: "localhost", headers: { host: `localhost:${app!.port}` } });
    expect(byName.status).toBe(200);
    expect(byName.headers["strict-transport-security"]).toBe("max-age=31536000");
  });

  it("fails the handshake with a certificate error for a client that does not trust the authority", async () => {
    const error = await request(`${app!.origin}/api/health`).then(
      () => null,
      (e: NodeJS.ErrnoException) => e,
    );
    expect(error?.code).toBe("UNABLE_TO_VERIFY_LEAF_SIGNATURE");
  });

  it("serves the install page and the authority on the plain-http port", async () => {
    const page = await request(`${httpOrigin}/install-certificate`);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(page.body).toContain('<html lang="en">');
    expect(page.body).toContain(new X509Certificate(ca).fingerprint256);
    expect(page.body).toContain("Certificate Trust Settings");
    expect(page.body).toContain('href="/install-certificate/ca.crt"');
    expect(page.body).not.toContain("<script");

    const polish = await request(`${httpOrigin}/install-certificate`, { headers: { "accept-language": "pl-PL,pl;q=0.9,en;q=0.8" } });
    expect(polish.body).toContain('<html lang="pl">');
    expect(polish.body).toContain(new X509Certificate(ca).fingerprint256);

    const certificate = await request(`${httpOrigin}/install-certificate/ca.crt`);
    expect(certificate.status).toBe(200);
    expect(certificate.headers["content-type"]).toBe("application/x-x509-ca-cert");
    expect(certificate.body).toBe(ca);
  });

  it("redirects everything else on the plain-http port to the same path on https, cookies and API included", async () => {
    for (const target of ["/chats", "/sign-in?next=%2Fscan", "/api/health"]) {
      const answer = await request(`${httpOrigin}${target}`);
      expect(answer.status, target).toBe(301);
      expect(answer.headers.location, target).toBe(`${app!.origin}${target}`);
    }
    const post = await request(`${httpOrigin}/api/trpc/message.send`, { method: "POST", headers: { "content-type": "application/json" } });
    expect(post.status).toBe(301);
  });

  it("also serves the install page over https", async () => {
    const page = await request(`${app!.origin}/install-certificate`, { ca });
    expect(page.status).toBe(200);
    expect(page.body).toContain(new X509Certificate(ca).fingerprint256);
  });

  it("takes a same-site call from a device that reached the server by another name than PUBLIC_URL, and refuses another site's", async () => {
    // message.send unsigned: past the Origin check it is refused for the missing session (401).
    const call = (origin: string) =>
      request(`${app!.origin}/api/trpc/message.send`, {
        ca,
        method: "POST",
        servername: "localhost",
        headers: { host: `localhost:${app!.port}`, origin, "content-type": "application/json" },
      });
    expect((await call(`https://localhost:${app!.port}`)).status).toBe(401);
    expect((await call("https://intruder.example")).status).toBe(403);
  });

  it("backs up the running server over its https port (npm run backup finds it through the data directory)", async () => {
    const out = path.join(dataDir, "..", `${path.basename(dataDir)}-backup.tar.gz`);
    try {
      const backup = await runScript("backup", ["--out", out], { ...embedded, DATA_DIR: dataDir });
      expect(backup.out).toContain("made by the running server");
      expect(backup.code).toBe(0);
      expect(fs.statSync(out).size).toBeGreaterThan(0);
    } finally {
      fs.rmSync(out, { force: true });
    }
  });

  it("renews the server certificate under the same authority when run again", async () => {
    const before = { caKey: file("ca.key"), ca, serverKey: file("server.key"), server: new X509Certificate(file("server.crt")) };
    const again = await tlsLocal(dataDir);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toContain("Certificate authority kept");
    expect(file("ca.key")).toBe(before.caKey);
    expect(new X509Certificate(file("ca.crt")).fingerprint256).toBe(new X509Certificate(before.ca).fingerprint256);
    const renewed = new X509Certificate(file("server.crt"));
    expect(renewed.serialNumber).not.toBe(before.server.serialNumber);
    expect(file("server.key")).not.toBe(before.serverKey);
    expect(renewed.verify(new X509Certificate(before.ca).publicKey)).toBe(true);
    expect(renewed.checkPrivateKey(createPrivateKey(file("server.key")))).toBe(true);
  });
});
