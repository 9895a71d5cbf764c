import { createHash, createHmac } from "node:crypto";
import { type FileStorage, assertSafeKey } from "./types";

export type S3Config = {
  bucket: string;
  /** e.g. https://s3.eu-central-1.amazonaws.com, or a MinIO/R2/Ceph address. */
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
};

const sha256Hex = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();

/** RFC 3986 encoding as SigV4 wants it: everything but unreserved characters. */
function encodeSegment(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Signs a request with AWS Signature Version 4 (header form), as S3 and its look-alikes accept.
 * Exported for the test, which checks it against its own computation.
 */
export function signV4(input: {
  method: string;
  url: URL;
  headers: Record<string, string>;
  payloadHash: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  now: Date;
}): Record<string, string> {
  const amzDate = input.now.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    ...Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k.toLowerCase(), v.trim()])),
    host: input.url.host,
    "x-amz-content-sha256": input.payloadHash,
    "x-amz-date": amzDate,
  };
  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((name) => `${name}:${headers[name]}\n`).join("");
  const signedHeaders = names.join(";");
  const query = [...input.url.searchParams.entries()]
    .map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`)
    .sort()
    .join("&");
  const canonicalRequest = [input.method, input.url.pathname, query, canonicalHeaders, signedHeaders, input.payloadHash].join("\n");
  const scope = `${day}/${input.region}/s3/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${input.secretAccessKey}`, day), input.region), "s3"), "aws4_request");
  const signature = createHmac("sha256", key).update(stringToSign).digest("hex");
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** An S3-compatible bucket, path-style (`endpoint/bucket/key`), through fetch with SigV4. */
export function createS3Storage(config: S3Config, fetchImpl: typeof fetch = fetch): FileStorage {
  const base = config.endpoint.replace(/\/+$/, "");
  const urlOf = (key: string) => {
    assertSafeKey(key);
    return new URL(`${base}/${encodeSegment(config.bucket)}/${key}`);
  };
  async function call(method: string, key: string, body?: Uint8Array, contentType?: string): Promise<Response> {
    const url = urlOf(key);
    const headers = signV4({
      method,
      url,
      headers: contentType ? { "content-type": contentType } : {},
      payloadHash: sha256Hex(body ?? ""),
      region: config.region,
      accessKeyId: config.accessKeyId,
      secretAccessKey: config.secretAccessKey,
      now: new Date(),
    });
    // host is set by fetch itself; sending it twice is refused by undici.
    const { host: _host, ...sent } = headers;
    return fetchImpl(url, { method, headers: sent, body: body ? Buffer.from(body) : undefined });
  }
  const fail = async (what: string, response: Response) => {
    const detail = (await response.text().catch(() => "")).slice(0, 200);
    return new Error(`S3 ${what} answered ${response.status}: ${detail}`);
  };
  return {
    kind: "s3",
    async put(key, bytes, contentType) {
      const response = await call("PUT", key, bytes, contentType);
      if (!response.ok) throw await fail("PUT", response);
      await response.body?.cancel();
    },
    async get(key) {
      const response = await call("GET", key);
      if (response.status === 404) {
        await response.body?.cancel();
        return null;
      }
      if (!response.ok || !response.body) throw await fail("GET", response);
      return { body: response.body, size: Number(response.headers.get("content-length") ?? "0") };
    },
    async delete(key) {
      const response = await call("DELETE", key);
      if (!response.ok && response.status !== 404) throw await fail("DELETE", response);
      await response.body?.cancel();
    },
  };
}
