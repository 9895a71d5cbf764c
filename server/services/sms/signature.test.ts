import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { twilioSignature, validTwilioSignature } from "./signature";

/**
 * Published vectors: twilio-node's spec/validation.spec.js (token "12345", these parameters,
 * the same signatures as Twilio's signature-validation snippets in its docs).
 */
const TOKEN = "12345";
const PARAMS = { CallSid: "CA1234567890ABCDE", Caller: "+14158675309", Digits: "1234", From: "+14158675309", To: "+18005551212" };
const REQUEST_URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
const VECTORS: [url: string, signature: string][] = [
  [REQUEST_URL, "RSOYDt4T1cUTdK1PDd93/VVr8B8="],
  ["https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w="],
  ["http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="],
  [`${REQUEST_URL}&Body=It's+amazing`, "dsq4Ehbj6cs+KdTkpF5sSSplOWw="],
];

describe("Twilio request signatures", () => {
  it("match Twilio's published signatures for the REQUEST_URL exactly as given", () => {
    for (const [url, signature] of VECTORS) {
      expect(twilioSignature(TOKEN, url, PARAMS), url).toBe(signature);
      expect(validTwilioSignature(TOKEN, signature, url, PARAMS), url).toBe(true);
    }
  });

  it("refuse a signature made with another auth token", () => {
    expect(validTwilioSignature("54321", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", REQUEST_URL, PARAMS)).toBe(false);
  });

  it("refuse a request whose parameter or REQUEST_URL was changed", () => {
    expect(validTwilioSignature(TOKEN, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", REQUEST_URL, { ...PARAMS, Digits: "1235" })).toBe(false);
    expect(validTwilioSignature(TOKEN, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", REQUEST_URL, { ...PARAMS, Extra: "" })).toBe(false);
    expect(validTwilioSignature(TOKEN, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", `${REQUEST_URL}&baz=3`, PARAMS)).toBe(false);
  });

  it("refuse a missing, empty or malformed signature without throwing", () => {
    for (const signature of [undefined, "", "WRONG_SIGNATURE", "RSOYDt4T1cUTdK1PDd93/VVr8B8", "RSOYDt4T1cUTdK1PDd93/VVr8B8==", "żółć"]) {
      expect(validTwilioSignature(TOKEN, signature, REQUEST_URL, PARAMS), String(signature)).toBe(false);
    }
  });

  it("do not depend on the order of the parameters in the object", () => {
    const reversed = Object.fromEntries(Object.entries(PARAMS).reverse());
    expect(twilioSignature(TOKEN, REQUEST_URL, reversed)).toBe("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  });

  it("always validate what they signed, whatever the parameters' names and values", () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.webUrl({ withQueryParameters: true }),
        fc.dictionary(fc.string({ unit: "binary" }), fc.string({ unit: "binary" })),
        (token, url, params) => {
          expect(validTwilioSignature(token, twilioSignature(token, url, params), url, params)).toBe(true);
        },
      ),
    );
  });
});
