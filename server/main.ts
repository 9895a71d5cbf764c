/**
 * What `npm start` runs: one process, one port. Next.js serves pages and auth; tRPC, the live
 * stream and the health check are raw node:http handlers in front of it (see DESIGN.md). With
 * TLS_CERT and TLS_KEY the port speaks https, and HTTP_PORT adds a plain-http port for the
 * certificate page (README, HTTPS on a LAN).
 */
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { TLSSocket } from "node:tls";
import next from "next";
import { getDatabase } from "~/db/client";
import { DataDirLockedError } from "~/db/lock";
import { DEMO_PASSWORD, seedAdmin, seedDemo } from "~/server/seed";
import { createTrpcHandler } from "./api/http";
import { getAuth } from "./auth";
import { createSessionCache, setProcessSessionCache } from "./auth-cache";
import { resolveAuthSecret } from "./auth-secret";
import { type Env, EnvError, getEnv, isTlsOn, publicUrl, shouldSeedDemo } from "./env";
import { installCrashHandlers } from "./crash";
import { createClientAddressResolver } from "./http/client-address";
import { checkHealth } from "./http/health";
import { addDefaultHeaders, securityHeaders } from "./http/security-headers";
import { createInstallCertificateHandler, isInstallCertificatePath } from "./http/install-certificate";
import { refuseMalformedRequest } from "./http/request-guard";
import { createRealtime, setProcessRealtime } from "./realtime";
import { createBus } from "./realtime/bus";
import { createStreamHandler } from "./realtime/stream";
import { ensureCompanyChat } from "~/server/services/chat/open";
import { demoPasswordAccounts } from "./services/demo-password";
import { pruneEvents } from "./services/events";
import { createBackupHandler, recordControl } from "./backup";
import { metricsAccess, registerScrapeGauges, serveMetrics } from "./metrics";
import { closeLastActive, getProcessDeps, startPushRetries, startSmsWorker, startWebhookWorker } from "./process-deps";
import { createSmsWebhookHandler } from "./http/sms";
import { EXPIRY_SWEEP_MS } from "~/server/services/approval/request";
import { expireApprovals } from "~/server/services/approval/decide";
import { sweepAttachments } from "./services/attachments";
import { getProcessStorage } from "./storage";

function fail(message: string): never {
  console.error(`[floorchat] ${message}`);
  process.exit(1);
}

function loadEnv(): Env {
  try {
    return getEnv();
  } catch (error) {
    if (error instanceof EnvError) fail(error.message);
    throw error;
  }
}

async function main() {
  installCrashHandlers();
  const startedAt = performance.now();
  const env = loadEnv();

  const database = await getDatabase(env).catch((error: unknown) => {
    if (error instanceof DataDirLockedError) fail(error.message);
    fail(`Cannot open the database: ${(error as Error).message}`);
  });
  // Created before Next starts so its route handlers read the same secret (auth-secret.ts).
  resolveAuthSecret(env);
  if (shouldSeedDemo(env)) {
    if ((await seedDemo(database.db)) === "seeded") console.log("[floorchat] Demo data created (first start).");
  } else {
    // Shown this once only: later starts find people in the database and print nothing secret.
    const admin = await seedAdmin(database.db);
    if (admin) {
      console.log(
        `[floorchat] Created ${admin.username} with password ${admin.password}; change it (Me → Password, or npm run user:password -- --user ${admin.username}). It is not shown again.`,
      );
    }
  }
  await ensureCompanyChat(database.db);
  const bus = await createBus(env.REDIS_URL, env.REDIS_PREFIX).catch((error: unknown) => fail((error as Error).message));
  // Before anything resolves a session or ends one: auth's hooks and every request use it.
  const sessions = createSessionCache({ bus });
  setProcessSessionCache(sessions);
  const auth = await getAuth(env);
  const realtime = createRealtime({ db: database.db, bus, redisUrl: env.REDIS_URL });
  setProcessRealtime(realtime);
  const handleStream = createStreamHandler({ auth, db: database.db, sessions, hub: realtime.hub });
  const webhooks = await startWebhookWorker(env);
  const smsWorker = await startSmsWorker(env);
  const push = await startPushRetries(env);
  const prune = setInterval(() => void pruneEvents(database.db).catch((e: unknown) => console.error("[events] prune:", e)), 3_600_000);
  prune.unref();
  // Approval requests past their time resolve as expired (reads and votes also check on the spot).
  const deps = await getProcessDeps(env);
  const handleTrpc = createTrpcHandler({ deps, auth, publicUrl: publicUrl(env) });
  const handleSms = createSmsWebhookHandler(() => Promise.resolve(deps));
  const sweep = setInterval(() => void expireApprovals(deps).catch((e: unknown) => console.error("[approvals] expiry:", e)), EXPIRY_SWEEP_MS);
  sweep.unref();
  // Uploads never sent, and deleted messages' files: at start and hourly.
  const sweepFiles = () => void sweepAttachments(database.db, getProcessStorage(env)).catch((e: unknown) => console.error("[files] sweep:", e));
  sweepFiles();
  setInterval(sweepFiles, 3_600_000).unref();

  const app = next({ dev: false, dir: process.cwd(), hostname: "localhost", port: env.PORT });
  await app.prepare();
  const handleNext = app.getRequestHandler();

  const clientAddress = createClientAddressResolver(env.TRUSTED_PROXIES);
  registerScrapeGauges({ database, openStreams: () => realtime.hub.size });
  const mayReadMetrics = metricsAccess({ token: env.METRICS_TOKEN, allow: env.METRICS_ALLOW });
  // Embedded mode: `npm run backup` asks this process, the one allowed to open the database.
  let backups: { handle: ReturnType<typeof createBackupHandler>; remove: () => void } | null = null;
  if (database.dump) {
    const dump = database.dump.bind(database);
    const control = recordControl(path.resolve(env.DATA_DIR), `${isTlsOn(env) ? "https" : "http"}://127.0.0.1:${env.PORT}`);
    const filesDir = env.S3_BUCKET ? null : path.resolve(env.DATA_DIR, "files");
    backups = {
      handle: createBackupHandler({ token: control.token, source: async () => ({ pgdata: await dump(), dataDir: path.resolve(env.DATA_DIR), filesDir }) }),
      remove: control.remove,
    };
  }
  const headers = securityHeaders(publicUrl(env));
  const tls = isTlsOn(env) ? { cert: env.TLS_CERT, key: env.TLS_KEY } : null;
  const handleInstallCertificate = createInstallCertificateHandler({
    caFile: path.resolve(env.DATA_DIR, "tls", "ca.crt"),
    appUrl: publicUrl(env),
    iconFile: path.resolve("public", "icons", "icon.svg"),
  });
  // One handler for every listener: the https port (or plain http without TLS) and, with TLS,
  // the plain-http port, told apart by their sockets.
  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    clientAddress.apply(req);
    // Every response, pages, API, stream and health alike (server/http/security-headers.ts).
    addDefaultHeaders(res, headers);
    if (refuseMalformedRequest(req, res)) return;
    const pathname = (req.url ?? "/").split("?", 1)[0]!;
    if (isInstallCertificatePath(pathname)) {
      handleInstallCertificate(req, res, pathname);
      return;
    }
    if (tls) {
      if (!(req.socket instanceof TLSSocket)) {
        // The plain-http port: only the certificate page, which a device needs before it can
        // open the https one. Nothing else answers over http, so no cookie travels unencrypted.
        // Only a path is carried over: an absolute-form target must not become part of the host.
        const target = req.url?.startsWith("/") ? req.url : "/";
        res.writeHead(301, { Location: `${publicUrl(env)}${target}`, "Content-Type": "text/plain; charset=utf-8" }).end("Moved to https\n");
        return;
      }
      // The tRPC Origin check takes the scheme from this header (server/auth.ts requestOrigin),
      // and a tablet may reach us by another name than PUBLIC_URL's; a proxy's value is kept.
      req.headers["x-forwarded-proto"] ??= "https";
    }
    if (pathname === "/api/stream") {
      handleStream(req, res).catch((error: unknown) => {
        console.error("[stream]", error);
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    // The hot path, so straight to tRPC's node adapter rather than through Next.
    if (pathname.startsWith("/api/trpc/")) {
      handleTrpc(req, res);
      return;
    }
    if (pathname === "/api/sms/inbound" || pathname === "/api/sms/status") {
      handleSms(req, res, pathname).catch((error: unknown) => {
        console.error("[sms]", error);
        // A 5xx makes the provider retry later; the MessageSid keeps a retry from storing twice.
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (pathname === "/internal/backup" && backups) {
      backups.handle(req, res).catch((error: unknown) => {
        console.error("[backup]", error);
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
      return;
    }
    if (pathname === "/metrics") {
      // Not found rather than forbidden: nothing tells a stranger the endpoint exists.
      if (!mayReadMetrics(req, req.headers["x-forwarded-for"] as string | undefined)) {
        res.writeHead(404, { "Content-Type": "text/plain" }).end("Not found");
        return;
      }
      serveMetrics(res).catch((error: unknown) => {
        console.error("[metrics]", error);
        if (!res.headersSent) res.writeHead(500).end();
      });
      return;
    }
    if (pathname === "/api/health") {
      void checkHealth(database, bus).then((health) => {
        res.writeHead(health.statusCode, { "Content-Type": "application/json", "Cache-Control": "no-store" });
        res.end(JSON.stringify(health.body));
      });
      return;
    }
    void handleNext(req, res);
  };

  const server = tls ? https.createServer({ cert: fs.readFileSync(tls.cert), key: fs.readFileSync(tls.key) }, handle) : http.createServer(handle);
  if (tls) warnIfExpiring(tls.cert);
  else if (env.HTTP_PORT !== undefined) console.warn("[floorchat] HTTP_PORT is ignored without TLS_CERT and TLS_KEY: PORT already serves plain http.");
  const plain = tls && env.HTTP_PORT !== undefined ? http.createServer(handle) : null;
  // Longer than the usual load balancer's idle timeout (60 s), so the server never closes a
  // kept-alive socket that a proxy or client is about to reuse.
  for (const listener of [server, plain]) {
    if (!listener) continue;
    listener.keepAliveTimeout = 65_000;
    listener.headersTimeout = 66_000;
  }
  plain?.listen(env.HTTP_PORT, env.HOST);
  plain?.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE") fail(`HTTP_PORT ${env.HTTP_PORT} is in use. Stop the other server or set HTTP_PORT.`);
    fail(error.message);
  });
  server.listen(env.PORT, env.HOST, () => {
    void demoPasswordAccounts(database.db).then((usernames) => {
      const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
      console.log(
        `[floorchat] Ready on ${publicUrl(env)} (database: ${database.kind}, bus: ${bus.kind}, started in ${seconds} s)`,
      );
      if (plain) {
        const page = new URL(publicUrl(env));
        page.protocol = "http:";
        page.port = String(env.HTTP_PORT);
        console.log(`[floorchat] Devices that do not trust the certificate yet: ${page.origin}/install-certificate`);
      }
      if (usernames.length > 0) {
        console.warn(
          `[floorchat] Warning: demo sign-ins still use the password "${DEMO_PASSWORD}": ${usernames.join(", ")}. ` +
            "Anyone who knows it can sign in as them: fine on localhost, not on a network. " +
            "Change them on Me → Password, or with npm run user:password -- --user NAME.",
        );
      }
    });
  });
  server.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code === "EADDRINUSE") fail(`Port ${env.PORT} is in use. Stop the other server or set PORT.`);
    fail(error.message);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[floorchat] ${signal}: shutting down`);
    // Open streams would keep server.close() waiting forever.
    void realtime.close();
    sessions.close();
    void webhooks.stop();
    void smsWorker?.stop();
    void push.stop();
    backups?.remove();
    setTimeout(() => process.exit(0), 5_000).unref();
    server.close(() => {
      // Pending last-active times go out before the database closes.
      void closeLastActive()
        .then(() => Promise.allSettled([bus.close(), database.close()]))
        .then(() => process.exit(0));
    });
    server.closeIdleConnections();
    plain?.close();
    plain?.closeIdleConnections();
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

/** A certificate that has run out breaks every device at once: say so at start, in time to renew. */
function warnIfExpiring(certFile: string) {
  const validTo = new Date(new X509Certificate(fs.readFileSync(certFile)).validTo);
  const days = Math.floor((validTo.getTime() - Date.now()) / 86_400_000);
  if (days < 30) {
    console.warn(
      `[floorchat] Warning: the certificate in TLS_CERT ${days < 0 ? "expired" : "expires"} on ${validTo.toISOString().slice(0, 10)}. ` +
        "Renew it (npm run tls:local makes a new one with the same authority) and restart.",
    );
  }
}

void main();
