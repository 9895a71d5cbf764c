import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, shouldSeedDemo, vapidSubject } from "./env";

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
});
