import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EnvError, isTlsOn, parseEnv, publicUrl, shouldSeedDemo, vapidSubject } from "./env";

function errorOf(source: Record<string, string>): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error("expected parseEnv to throw");
}

describe("parseEnv", () => {
  it("rejects a PORT that is not a number, naming PORT and the value", () => {
    const error = errorOf({ PORT: "abc" });
    expect(error.variable).toBe("PORT");
    expect(error.message).toBe('Invalid configuration: PORT must be a whole number between 1 and 65535 (got "abc")');
  });

  it("rejects a PORT out of range", () => {
    expect(errorOf({ PORT: "70000" }).variable).toBe("PORT");
    expect(errorOf({ PORT: "0" }).variable).toBe("PORT");
  });

  it("rejects a DATABASE_URL that is not PostgreSQL without echoing it", () => {
    const error = errorOf({ DATABASE_URL: "mysql://root:secret@db/x", AUTH_SECRET: "x".repeat(32) });
    expect(error.variable).toBe("DATABASE_URL");
    expect(error.message).not.toContain("secret");
  });

  it("requires AUTH_SECRET in server mode", () => {
    expect(errorOf({ DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test" }).variable).toBe("AUTH_SECRET");
  });

  it("keeps a deployment's Redis channel under REDIS_PREFIX (floorchat: by default) and refuses one with spaces or wildcards", () => {
    expect(parseEnv({}).REDIS_PREFIX).toBe("floorchat:");
    expect(parseEnv({ REDIS_PREFIX: "floorchat-staging:" }).REDIS_PREFIX).toBe("floorchat-staging:");
    expect(errorOf({ REDIS_PREFIX: "floor chat" }).variable).toBe("REDIS_PREFIX");
    expect(errorOf({ REDIS_PREFIX: "floorchat:*" }).variable).toBe("REDIS_PREFIX");
  });

  it("rejects a METRICS_TOKEN too short to guess-proof and a METRICS_ALLOW that is not addresses", () => {
    expect(errorOf({ METRICS_TOKEN: "short" }).variable).toBe("METRICS_TOKEN");
    expect(errorOf({ METRICS_ALLOW: "10.0.0.0/33" }).variable).toBe("METRICS_ALLOW");
    expect(parseEnv({ METRICS_ALLOW: "10.0.0.0/8, ::1" }).METRICS_ALLOW).toEqual(["10.0.0.0/8", "::1"]);
  });

  it("rejects a SEED_DEMO that is not a flag", () => {
    expect(errorOf({ SEED_DEMO: "yes" }).variable).toBe("SEED_DEMO");
  });

  it("rejects a TRUSTED_PROXIES entry that looks like an address but is none, and keeps good ones", () => {
    expect(errorOf({ TRUSTED_PROXIES: "10.0.0.0/33" }).variable).toBe("TRUSTED_PROXIES");
    expect(errorOf({ TRUSTED_PROXIES: "127.0.0.1, 10.0.0" }).variable).toBe("TRUSTED_PROXIES");
    expect(parseEnv({ TRUSTED_PROXIES: "127.0.0.1, 10.0.0.0/8,fd00::/8" }).TRUSTED_PROXIES).toEqual(["127.0.0.1", "10.0.0.0/8", "fd00::/8"]);
  });

  it("takes DATABASE_POOL_SIZE as a whole number from 2 to 200, default 5", () => {
    expect(parseEnv({}).DATABASE_POOL_SIZE).toBe(5);
    expect(parseEnv({ DATABASE_POOL_SIZE: "12" }).DATABASE_POOL_SIZE).toBe(12);
    for (const bad of ["1", "0", "2.5", "many", "201"]) expect(errorOf({ DATABASE_POOL_SIZE: bad }).variable, bad).toBe("DATABASE_POOL_SIZE");
  });

  it("applies defaults and treats empty values as unset", () => {
    const env = parseEnv({ PORT: "", DATA_DIR: "" });
    expect(env).toMatchObject({ PORT: 3000, DATA_DIR: "./.data", HOST: "0.0.0.0" });
    expect(env.DATABASE_URL).toBeUndefined();
  });

  it("seeds demo data by default only in embedded mode", () => {
    expect(shouldSeedDemo(parseEnv({}))).toBe(true);
    const server = { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/test", AUTH_SECRET: "x".repeat(32) };
    expect(shouldSeedDemo(parseEnv(server))).toBe(false);
    expect(shouldSeedDemo(parseEnv({ ...server, SEED_DEMO: "1" }))).toBe(true);
    expect(shouldSeedDemo(parseEnv({ SEED_DEMO: "0" }))).toBe(false);
  });

  it("requires both VAPID keys or neither, never echoing the private one", () => {
    const publicKey = "B".repeat(87);
    const privateKey = "p".repeat(43);
    expect(errorOf({ VAPID_PUBLIC_KEY: publicKey }).variable).toBe("VAPID_PRIVATE_KEY");
    expect(errorOf({ VAPID_PRIVATE_KEY: privateKey }).variable).toBe("VAPID_PUBLIC_KEY");
    const error = errorOf({ VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: "not-a-key" });
    expect(error.variable).toBe("VAPID_PRIVATE_KEY");
    expect(error.message).not.toContain("not-a-key");
    expect(parseEnv({ VAPID_PUBLIC_KEY: publicKey, VAPID_PRIVATE_KEY: privateKey })).toMatchObject({ VAPID_PUBLIC_KEY: publicKey });
  });

  it("takes the VAPID subject from VAPID_SUBJECT (mailto or https), else an https PUBLIC_URL", () => {
    expect(errorOf({ VAPID_SUBJECT: "http://example.com" }).variable).toBe("VAPID_SUBJECT");
    expect(vapidSubject(parseEnv({ VAPID_SUBJECT: "mailto:ops@example.com" }))).toBe("mailto:ops@example.com");
    expect(vapidSubject(parseEnv({ PUBLIC_URL: "https://chat.example.com/" }))).toBe("https://chat.example.com");
    expect(vapidSubject(parseEnv({}))).toMatch(/^mailto:/);
  });

  it("reads ATTACHMENT_TYPES as a list of MIME types and refuses anything else", () => {
    expect(parseEnv({ ATTACHMENT_TYPES: "image/png, Application/PDF" }).ATTACHMENT_TYPES).toEqual(["image/png", "application/pdf"]);
    expect(errorOf({ ATTACHMENT_TYPES: "png,pdf" }).variable).toBe("ATTACHMENT_TYPES");
  });

  it("requires S3 keys with S3_BUCKET, never echoing the secret", () => {
    expect(errorOf({ S3_BUCKET: "files" }).variable).toBe("S3_ACCESS_KEY_ID");
    expect(errorOf({ S3_BUCKET: "files", S3_ACCESS_KEY_ID: "AKID" }).variable).toBe("S3_SECRET_ACCESS_KEY");
    const error = errorOf({ S3_BUCKET: "files", S3_ACCESS_KEY_ID: "AKID", S3_SECRET_ACCESS_KEY: "top-secret", S3_ENDPOINT: "ftp://x" });
    expect(error.variable).toBe("S3_ENDPOINT");
    expect(error.message).not.toContain("top-secret");
  });

  describe("TLS_CERT, TLS_KEY and HTTP_PORT", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "floorchat-env-tls-"));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
    /** A self-signed certificate and its key, as PEM files in `dir`. */
    const makePair = (name: string) => {
      const cert = path.join(dir, `${name}.crt`);
      const key = path.join(dir, `${name}.key`);
      execFileSync("openssl", [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
        "-keyout", key, "-out", cert, "-subj", "/CN=localhost",
      ], { stdio: "ignore" });
      return { TLS_CERT: cert, TLS_KEY: key };
    };
    const good = makePair("good");
    const other = makePair("other");

    it("requires TLS_CERT and TLS_KEY together, naming the missing one", () => {
      expect(errorOf({ TLS_CERT: good.TLS_CERT }).message).toBe("Invalid configuration: TLS_KEY must be set together with TLS_CERT");
      expect(errorOf({ TLS_KEY: good.TLS_KEY }).message).toBe("Invalid configuration: TLS_CERT must be set together with TLS_KEY");
    });

    it("refuses a TLS file that is missing, a directory or not PEM, naming the variable and the path", () => {
      const missing = path.join(dir, "missing.crt");
      expect(errorOf({ ...good, TLS_CERT: missing }).message).toBe(
        `Invalid configuration: TLS_CERT must be a readable PEM certificate file: there is no such file (got ${JSON.stringify(missing)})`,
      );
      expect(errorOf({ ...good, TLS_KEY: dir }).message).toContain("TLS_KEY must be a readable PEM private key file: it is a directory");
      expect(errorOf({ ...good, TLS_CERT: good.TLS_KEY }).message).toContain("TLS_CERT must be a readable PEM certificate file: it holds no PEM certificate");
      expect(errorOf({ ...good, TLS_KEY: good.TLS_CERT }).message).toContain("TLS_KEY must be a readable PEM private key file: it holds no PEM private key");
    });

    it("refuses a key that is not the certificate's", () => {
      const error = errorOf({ TLS_CERT: good.TLS_CERT, TLS_KEY: other.TLS_KEY });
      expect(error.variable).toBe("TLS_KEY");
      expect(error.message).toContain("must be the private key of the certificate in TLS_CERT");
    });

    it("refuses a key that needs a passphrase", () => {
      const encrypted = path.join(dir, "encrypted.key");
      execFileSync("openssl", ["pkey", "-in", good.TLS_KEY, "-aes256", "-passout", "pass:secret-pass", "-out", encrypted], { stdio: "ignore" });
      expect(errorOf({ ...good, TLS_KEY: encrypted }).message).toContain("TLS_KEY must be a readable PEM private key file: it needs a passphrase");
    });

    it("turns TLS on for a matching pair, with an https public address by default", () => {
      const env = parseEnv(good);
      expect(isTlsOn(env)).toBe(true);
      expect(publicUrl(env)).toBe("https://localhost:3000");
      expect(publicUrl(parseEnv({ ...good, PUBLIC_URL: "https://10.0.5.20:3000" }))).toBe("https://10.0.5.20:3000");
      expect(isTlsOn(parseEnv({ TLS_CERT: "", TLS_KEY: "" }))).toBe(false);
      expect(publicUrl(parseEnv({}))).toBe("http://localhost:3000");
    });

    it("refuses a plain-http PUBLIC_URL when TLS is on", () => {
      expect(errorOf({ ...good, PUBLIC_URL: "http://10.0.5.20:3000" }).message).toBe(
        'Invalid configuration: PUBLIC_URL must be https when TLS_CERT and TLS_KEY are set (PORT answers only https) (got "http://10.0.5.20:3000")',
      );
    });

    it("takes HTTP_PORT as a port other than PORT, unset by default", () => {
      expect(parseEnv({}).HTTP_PORT).toBeUndefined();
      expect(parseEnv({ ...good, HTTP_PORT: "8080" }).HTTP_PORT).toBe(8080);
      expect(errorOf({ HTTP_PORT: "http" }).message).toBe('Invalid configuration: HTTP_PORT must be a whole number between 1 and 65535 (got "http")');
      expect(errorOf({ HTTP_PORT: "70000" }).variable).toBe("HTTP_PORT");
      expect(errorOf({ ...good, PORT: "8443", HTTP_PORT: "8443" }).message).toBe('Invalid configuration: HTTP_PORT must differ from PORT (got "8443")');
    });
  });
});
