import { z } from "zod";
import { ZId } from "./common";

// Browsers give the keys as base64url (padding optional): a P-256 point of 65 bytes, 16 bytes of auth secret.
const base64url = (bytes: number) => {
  const length = Math.ceil((bytes * 4) / 3);
  return z.string().regex(new RegExp(`^[A-Za-z0-9_-]{${length}}=*$`), { error: `Must be ${bytes} bytes, base64url` });
};

/** The endpoint's safety (https, no internal hosts) is the service's check: it resolves the name. */
export const ZSubscribeInput = z.object({
  endpoint: z.string().trim().min(1, { error: "Give the push endpoint" }).max(2000, { error: "At most 2,000 characters" }),
  keys: z.object({ p256dh: base64url(65), auth: base64url(16) }),
  label: z.string().trim().max(200).default(""),
});
export type TSubscribeInput = z.infer<typeof ZSubscribeInput>;

export const ZEndpointRef = z.object({ endpoint: z.string().min(1).max(2000) });

/** The service worker's report of a rotated subscription: the old endpoint (if the browser said) and the new one. */
export const ZResubscribeInput = z.object({
  oldEndpoint: z.string().min(1).max(2000).nullable(),
  subscription: ZSubscribeInput.omit({ label: true }),
});
export const ZDeviceRef = z.object({ id: ZId });

export const ZDevice = z.object({
  id: z.string(),
  /** The owner's own; lets the Me screen tell which entry is this browser. */
  endpoint: z.string(),
  label: z.string(),
  createdAt: z.date(),
  lastSuccessAt: z.date().nullable(),
});

export const ZPushSettings = z.object({ hideText: z.boolean() });
