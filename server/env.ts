import { createPrivateKey, X509Certificate } from "node:crypto";
import fs from "node:fs";
import { z } from "zod";
import { isTimeZone } from "~/lib/time/ranges";
import { isProxyEntry } from "./http/client-address";

/**
 * The one reader of process.env. Everything else receives an `Env`.
 * Empty strings count as unset, so `FOO=` in a compose file means "default".
 */

const flag = z
  .enum(["0", "1", "true", "false"], { error: 'must be "1" or "0"' })
  .transform((value) => value === "1" || value === "true");

const url = (protocols: readonly string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ""));
      } catch {
        return false;
      }
    },
    { error: `must be a ${protocols.join(" or ")} URL` },
  );

/** DATABASE_POOL_SIZE's default: connections per instance (see there why few). */
export const DEFAULT_POOL_SIZE = 5;

const port = () =>
  z.coerce
    .number({ error: "must be a whole number between 1 and 65535" })
    .int({ error: "must be a whole number between 1 and 65535" })
    .min(1, { error: "must be a whole number between 1 and 65535" })
    .max(65535, { error: "must be a whole number between 1 and 65535" });

export const ZEnv = z
  .object({
    PORT: port().default(3000),
    HOST: z.string().min(1).default("0.0.0.0"),
    DATA_DIR: z.string().min(1).default("./.data"),
    DATABASE_URL: url(["postgres", "postgresql"]).optional(),
    // Connections each instance keeps to PostgreSQL. A send is one short statement, and sends
    // queue for one advisory lock at their end: more backends than the database server has
    // cores to run them only adds preempted lock holders (bench:latency's p99 at 400 msg/s on
    // 2 cores: 36–51 ms with 3–5, 60–87 ms with 10).
    DATABASE_POOL_SIZE: z.coerce
      .number({ error: "must be a whole number of connections" })
      .int({ error: "must be a whole number of connections" })
      .min(2, { error: "must be at least 2" })
      .max(200, { error: "must be at most 200" })
      .default(DEFAULT_POOL_SIZE),
    REDIS_URL: url(["redis", "rediss"]).optional(),
    PUBLIC_URL: url(["http", "https"])
      .transform((value) => value.replace(/\/+$/, ""))
      .optional(),
    // HTTPS served by this process (README, HTTPS on a LAN): paths to PEM files, such as the ones
    // `npm run tls:local` writes. Camera, service worker and push need a secure context.
    TLS_CERT: z.string().optional(),
    TLS_KEY: z.string().optional(),
    // With TLS: a plain-http port that hands out the local certificate authority
    // (/install-certificate) to devices that do not trust it yet, and redirects the rest to https.
    HTTP_PORT: port().optional(),
    AUTH_SECRET: z.string().min(32, { error: "must be at least 32 characters" }).optional(),
    SEED_DEMO: flag.optional(),
    SIGN_IN_RATE_LIMIT: z.coerce
      .number({ error: "must be a whole number of attempts per minute" })
      .int({ error: "must be a whole number of attempts per minute" })
      .min(1, { error: "must be at least 1" })
      .default(20),
    API_RATE_LIMIT: z.coerce
      .number({ error: "must be a whole number of requests per second" })
      .int({ error: "must be a whole number of requests per second" })
      .min(1, { error: "must be at least 1" })
      .default(20),
    // Prefix of this deployment's Redis channel and sign-in counters: two deployments (or test
    // runs) sharing one Redis must each have their own, or their events cross.
    REDIS_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_.:-]{1,64}$/, { error: "must be 1 to 64 letters, digits or _ . : -, e.g. floorchat-staging:" })
      .default("floorchat:"),
    // Addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed (comma-separated).
    // Default none: the socket's peer address is the client, whatever a request claims.
    TRUSTED_PROXIES: z
      .string()
      .regex(/^[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*$/, { error: "must be comma-separated IP addresses or CIDRs, e.g. 127.0.0.1,10.0.0.0/8" })
      .transform((value) => value.split(",").map((entry) => entry.trim()))
      .refine((entries) => entries.every(isProxyEntry), { error: "must be comma-separated IP addresses or CIDRs, e.g. 127.0.0.1,10.0.0.0/8" })
      .optional(),
    // Who may read /metrics besides a bearer METRICS_TOKEN: addresses or CIDRs (comma-separated).
    // Default: loopback only.
    METRICS_ALLOW: z
      .string()
      .regex(/^[0-9a-fA-F.:/]+(\s*,\s*[0-9a-fA-F.:/]+)*$/, { error: "must be comma-separated IP addresses or CIDRs, e.g. 10.0.0.0/8" })
      .transform((value) => value.split(",").map((entry) => entry.trim()))
      .refine((entries) => entries.every(isProxyEntry), { error: "must be comma-separated IP addresses or CIDRs, e.g. 10.0.0.0/8" })
      .optional(),
    METRICS_TOKEN: z.string().min(24, { error: "must be at least 24 characters (e.g. openssl rand -hex 16)" }).optional(),
    // Tests only: lets webhooks call a receiver on 127.0.0.1 (DESIGN.md invariant 7).
    OUTBOUND_ALLOW_LOOPBACK: flag.optional(),
    // Web Push keys (base64url, as `npx web-push generate-vapid-keys` prints them). Without them
    // a pair is generated on first start and kept in the database.
    VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{87}$/, { error: "must be a base64url P-256 public key (87 characters)" }).optional(),
    VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{43}$/, { error: "must be a base64url P-256 private key (43 characters)" }).optional(),
    VAPID_SUBJECT: url(["mailto", "https"]).optional(),
    // Attachments (PRODUCT.md M3): the content types accepted, as sniffed from the bytes
    // (comma-separated MIME types; default in server/files/sniff.ts).
    ATTACHMENT_TYPES: z
      .string()
      .regex(/^[\w.+-]+\/[\w.+-]+(\s*,\s*[\w.+-]+\/[\w.+-]+)*$/, { error: "must be comma-separated MIME types, e.g. image/png,application/pdf" })
      .transform((value) => value.split(",").map((type) => type.trim().toLowerCase()))
      .optional(),
    // An S3-compatible object store for attachments; without S3_BUCKET they go to DATA_DIR/files.
    S3_BUCKET: z.string().optional(),
    S3_ENDPOINT: url(["http", "https"])
      .transform((value) => value.replace(/\/+$/, ""))
      .optional(),
    S3_REGION: z.string().optional(),
    S3_ACCESS_KEY_ID: z.string().optional(),
    S3_SECRET_ACCESS_KEY: z.string().optional(),
    // Two-way SMS (PRODUCT.md C6) through a Twilio-compatible provider; unset: no SMS at all.
    SMS_PROVIDER: z.enum(["twilio"], { error: 'must be "twilio" or unset' }).optional(),
    TWILIO_ACCOUNT_SID: z.string().regex(/^AC\w+$/, { error: "must be an account SID (AC…)" }).optional(),
    TWILIO_AUTH_TOKEN: z.string().min(8, { error: "must be the account's auth token" }).optional(),
    // The sending number (E.164) or a messaging service (MG…).
    TWILIO_FROM: z.string().regex(/^(\+[1-9]\d{6,14}|MG\w+)$/, { error: "must be a number in E.164 (+48…) or a messaging service SID (MG…)" }).optional(),
    TWILIO_API_BASE: url(["http", "https"])
      .transform((value) => value.replace(/\/+$/, ""))
      .default("https://api.twilio.com"),
    // The public base address the provider posts to (/api/sms/inbound, /api/sms/status), when it
    // is not PUBLIC_URL: a tunnel or proxy that exposes only /api/sms/*. Signatures are checked on it.
    SMS_WEBHOOK_URL: url(["http", "https"])
      .transform((value) => value.replace(/\/+$/, ""))
      .optional(),
    // Where numbers may be texted (ISO country codes, comma-separated); default: TWILIO_FROM's country.
    SMS_ALLOWED_COUNTRIES: z
      .string()
      .regex(/^[A-Za-z]{2}(\s*,\s*[A-Za-z]{2})*$/, { error: "must be comma-separated two-letter country codes, e.g. PL,DE" })
      .transform((value) => value.split(",").map((code) => code.trim().toUpperCase()))
      .optional(),
    SMS_DAILY_SEGMENT_CAP: z.coerce
      .number({ error: "must be a whole number of segments per day" })
      .int({ error: "must be a whole number of segments per day" })
      .min(1, { error: "must be at least 1" })
      .default(2000),
    // Days and times when automated SMS wait (PRODUCT.md C6), read in SITE_TIME_ZONE.
    SITE_TIME_ZONE: z.string().refine(isTimeZone, { error: "must be an IANA time zone, e.g. Europe/Warsaw" }).default("UTC"),
  })
  .superRefine((env, ctx) => {
    // Half a key pair would sign with one key and announce another.
    if (Boolean(env.VAPID_PUBLIC_KEY) !== Boolean(env.VAPID_PRIVATE_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: [env.VAPID_PUBLIC_KEY ? "VAPID_PRIVATE_KEY" : "VAPID_PUBLIC_KEY"],
        message: "must be set together with the other VAPID key",
      });
    }
    if (env.S3_BUCKET && (!env.S3_ACCESS_KEY_ID || !env.S3_SECRET_ACCESS_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: [env.S3_ACCESS_KEY_ID ? "S3_SECRET_ACCESS_KEY" : "S3_ACCESS_KEY_ID"],
        message: "is required when S3_BUCKET is set",
      });
    }
    if (env.SMS_PROVIDER === "twilio") {
      for (const key of ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"] as const) {
        if (!env[key]) ctx.addIssue({ code: "custom", path: [key], message: "is required when SMS_PROVIDER is twilio" });
      }
    }
    // The provider's credentials go out only over TLS, but for a stand-in on this machine.
    if (env.TWILIO_API_BASE.startsWith("http:") && !(env.OUTBOUND_ALLOW_LOOPBACK && isLoopbackUrl(env.TWILIO_API_BASE))) {
      ctx.addIssue({ code: "custom", path: ["TWILIO_API_BASE"], message: "must be https (plain http only for 127.0.0.1 or localhost with OUTBOUND_ALLOW_LOOPBACK=1)" });
    }
    // Checked here, so a wrong path or a mismatched pair stops start-up with one line rather than
    // failing every handshake later.
    if (Boolean(env.TLS_CERT) !== Boolean(env.TLS_KEY)) {
      ctx.addIssue({
        code: "custom",
        path: [env.TLS_CERT ? "TLS_KEY" : "TLS_CERT"],
        message: `must be set together with ${env.TLS_CERT ? "TLS_CERT" : "TLS_KEY"}`,
      });
    } else if (env.TLS_CERT && env.TLS_KEY) {
      const problem = tlsProblem(env.TLS_CERT, env.TLS_KEY);
      if (problem) ctx.addIssue({ code: "custom", path: [problem.variable], message: problem.message });
      // Cookies, HSTS, the Origin check and the http port's redirect all go by PUBLIC_URL.
      else if (env.PUBLIC_URL?.startsWith("http:")) {
        ctx.addIssue({ code: "custom", path: ["PUBLIC_URL"], message: "must be https when TLS_CERT and TLS_KEY are set (PORT answers only https)" });
      }
    }
    if (env.HTTP_PORT !== undefined && env.HTTP_PORT === env.PORT) {
      ctx.addIssue({ code: "custom", path: ["HTTP_PORT"], message: "must differ from PORT" });
    }
    // In server mode several instances must share one secret, so none may invent its own.
    if (env.DATABASE_URL && !env.AUTH_SECRET) {
      ctx.addIssue({
        code: "custom",
        path: ["AUTH_SECRET"],
        message: "is required when DATABASE_URL is set (all instances must share it)",
      });
    }
  });

/** Why a TLS file cannot serve, naming the variable to fix; null when the pair is good. */
function tlsProblem(certFile: string, keyFile: string): { variable: "TLS_CERT" | "TLS_KEY"; message: string } | null {
  let certificate: X509Certificate;
  try {
    const pem = fs.readFileSync(certFile, "utf8");
    // node:tls takes PEM only; a DER file would pass X509Certificate and fail at listen.
    if (!pem.includes("-----BEGIN CERTIFICATE-----")) throw new Error("not PEM");
    certificate = new X509Certificate(pem);
  } catch (error) {
    return { variable: "TLS_CERT", message: `must be a readable PEM certificate file: ${fileProblem(error, "it holds no PEM certificate")}` };
  }
  let pem = "";
  try {
    pem = fs.readFileSync(keyFile, "utf8");
    const key = createPrivateKey(pem);
    if (!certificate.checkPrivateKey(key)) return { variable: "TLS_KEY", message: "must be the private key of the certificate in TLS_CERT: it is another key" };
  } catch (error) {
    // Nobody is there to type a passphrase when the server starts.
    const detail = pem.includes("ENCRYPTED") ? "it needs a passphrase (keep it unencrypted, readable by this user only)" : fileProblem(error, "it holds no PEM private key");
    return { variable: "TLS_KEY", message: `must be a readable PEM private key file: ${detail}` };
  }
  return null;
}

function fileProblem(error: unknown, notPem: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "there is no such file";
  if (code === "EACCES" || code === "EPERM") return "this user may not read it";
  if (code === "EISDIR") return "it is a directory";
  return notPem;
}

export type Env = z.infer<typeof ZEnv>;
export type DatabaseKind = "pglite" | "postgres";

export class EnvError extends Error {
  constructor(
    readonly variable: string,
    detail: string,
    received: string | undefined,
  ) {
    const shown = received === undefined ? "" : ` (got ${JSON.stringify(received)})`;
    super(`Invalid configuration: ${variable} ${detail}${shown}`);
    this.name = "EnvError";
  }
}

type Source = Record<string, string | undefined>;

export function parseEnv(source: Source): Env {
  const known = Object.keys(ZEnv.shape) as (keyof Env)[];
  const input: Source = {};
  for (const key of known) {
    const value = source[key];
    if (value !== undefined && value.trim() !== "") input[key] = value.trim();
  }
  const result = ZEnv.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const variable = String(issue.path[0] ?? "environment");
  // Never echo a secret back into logs.
  const received = variable === "AUTH_SECRET" || variable === "VAPID_PRIVATE_KEY" || variable === "DATABASE_URL" || variable === "REDIS_URL" || variable === "S3_SECRET_ACCESS_KEY" || variable === "TWILIO_AUTH_TOKEN" ? undefined : input[variable];
  throw new EnvError(variable, issue.message, received);
}

let cached: Env | undefined;

export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export function databaseKind(env: Env): DatabaseKind {
  return env.DATABASE_URL ? "postgres" : "pglite";
}

/** Demo data: on by default in embedded mode, off on a real server unless asked for. */
export function shouldSeedDemo(env: Env): boolean {
  return env.SEED_DEMO ?? databaseKind(env) === "pglite";
}

export function publicUrl(env: Env): string {
  return env.PUBLIC_URL ?? `${isTlsOn(env) ? "https" : "http"}://localhost:${env.PORT}`;
}

/** This process serves https on PORT itself (TLS_CERT and TLS_KEY, checked together above). */
export function isTlsOn(env: Env): env is Env & { TLS_CERT: string; TLS_KEY: string } {
  return Boolean(env.TLS_CERT && env.TLS_KEY);
}

/**
 * Who push services may contact about our pushes (the VAPID `sub`, RFC 8292): VAPID_SUBJECT,
 * else PUBLIC_URL. They accept only https: and mailto:, so a plain-http address (a trial on a
 * laptop) falls back to a mailto: that names no one.
 */
export function vapidSubject(env: Env): string {
  if (env.VAPID_SUBJECT) return env.VAPID_SUBJECT;
  const url = publicUrl(env);
  return url.startsWith("https://") ? url : "mailto:floorchat@localhost";
}

function isLoopbackUrl(value: string): boolean {
  const host = new URL(value).hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** SMS is on: a provider and its credentials are configured (README, SMS). */
export function smsConfigured(env: Env): boolean {
  return env.SMS_PROVIDER === "twilio" && Boolean(env.TWILIO_ACCOUNT_SID && env.TWILIO_AUTH_TOKEN && env.TWILIO_FROM);
}
