/**
 * The SMS provider's stand-in in the e2e run (playwright.config.ts starts it beside the app):
 * the app texts through it as it would through Twilio, and tests/e2e/sms.spec.ts reads what it
 * took and posts signed replies as a phone would.
 */
export function e2eSmsStandin(appPort: number) {
  const port = appPort + 30;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    accountSid: "ACe2e0000000000000000000000000000",
    authToken: "e2e-standin-token",
    from: "+48221234567",
  };
}
