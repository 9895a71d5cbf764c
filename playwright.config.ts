import { defineConfig } from "@playwright/test";
import { e2eSmsStandin } from "./tests/support/e2e-sms";

// E2E_PORT lets a second checkout run its suite beside this one.
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;
const serverMode = Boolean(process.env.DATABASE_URL);
const sms = e2eSmsStandin(port);

// Debian's Chromium (never a downloaded browser). As root it needs --no-sandbox; the network
// flags stop it reaching for Google services this machine cannot reach.
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results/e2e",
  workers: 2,
  // Generous waits: CI shares two cores between the app, two browsers and the database, and a
  // state that arrives late is not a failure (no test asserts a timing).
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [["list"]],
  forbidOnly: Boolean(process.env.CI),
  // The pass on the servers (PostgreSQL, Redis) repeats what depends on them; how screens look and
  // what the browser does on its own are checked once, in the embedded pass (tests/e2e/test.ts
  // PRESENTATION, BROWSER_SIDE).
  grepInvert: serverMode ? /@presentation|@browser-side/ : undefined,
  use: {
    baseURL,
    browserName: "chromium",
    launchOptions: { executablePath: "/usr/bin/chromium", args: chromiumArgs },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    // CPU is what the suite waits on (two cores for the app, two browsers and the database): no
    // service worker unless a spec is about it (tests/e2e/test.ts), no animations to paint.
    serviceWorkers: "block",
    reducedMotion: "reduce",
  },
  projects: [
    {
      name: "phone",
      use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
    },
  ],
  webServer: [
    {
      // The SMS provider's stand-in (tests/support/e2e-sms.ts), started before the app.
      command: `node --import tsx scripts/sms-standin.mts --port ${sms.port}`,
      url: `${sms.url}/_standin/messages`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "ignore",
      env: { ...(process.env as Record<string, string>), TWILIO_ACCOUNT_SID: sms.accountSid, TWILIO_AUTH_TOKEN: sms.authToken, TWILIO_FROM: sms.from },
    },
    {
      // A fresh embedded database per run; in server mode the database is the one CI created.
      // What `npm start` runs: the server bundle (npm test builds it first, build:if-needed).
      command: `rm -rf .data-e2e-${port} && node dist/server/main.mjs`,
      url: `${baseURL}/api/health`,
      reuseExistingServer: false,
      timeout: 120_000,
      stdout: "pipe",
      env: {
        ...(process.env as Record<string, string>),
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        PORT: String(port),
        PUBLIC_URL: baseURL,
        DATA_DIR: `.data-e2e-${port}`,
        SEED_DEMO: "1",
        // The suite signs in far more often than a person; the limit itself has its own tests.
        SIGN_IN_RATE_LIMIT: "1000",
        // Webhook tests run their receiver on 127.0.0.1 (DESIGN.md invariant 7 allows it only here).
        OUTBOUND_ALLOW_LOOPBACK: "1",
        SMS_PROVIDER: "twilio",
        TWILIO_API_BASE: sms.url,
        TWILIO_ACCOUNT_SID: sms.accountSid,
        TWILIO_AUTH_TOKEN: sms.authToken,
        TWILIO_FROM: sms.from,
        ...(serverMode && !process.env.AUTH_SECRET ? { AUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-e2e" } : {}),
      },
    },
  ],
});
