import { z } from "zod";
import { SMS_STATUSES } from "~/contracts/sms";
import { USERNAME_MAX_LENGTH } from "~/contracts/limits";
import { ZDateInput, ZEntityKey, ZEntityType, ZId } from "./common";

export const ZSmsSetup = z.object({
  configured: z.boolean(),
  /** The sending number as people read it, or the messaging service. */
  from: z.string().nullable(),
  allowedCountries: z.array(z.string()),
  maxSegments: z.number(),
  /** The site's IANA time zone (SITE_TIME_ZONE): the quiet window and the SMS day are read in it. */
  siteTimeZone: z.string(),
  /** Each window counts what it sent, red from this many (null: no counter). */
  messageCounter: z.object({ threshold: z.number() }).nullable(),
  canManage: z.boolean(),
});

export const ZContactSearch = z.object({ q: z.string().max(100).optional(), all: z.boolean().optional() });

export const ZContact = z.object({
  id: z.string(),
  name: z.string(),
  phone: z.string(),
  phoneDisplay: z.string(),
  verified: z.boolean(),
  optedOut: z.boolean(),
  user: z.object({ id: z.string(), name: z.string(), username: z.string().nullable() }).nullable(),
  record: z.object({ type: z.string(), key: z.string(), title: z.string() }).nullable(),
  chatId: z.string().nullable(),
  unread: z.number(),
});

export const ZChatContact = z.object({
  id: z.string(),
  name: z.string(),
  /** The window's title (the name, or a record field the SMS settings name). */
  title: z.string(),
  phone: z.string(),
  phoneDisplay: z.string(),
  verified: z.boolean(),
  optedOut: z.boolean(),
  record: z.object({ type: z.string(), key: z.string(), title: z.string() }).nullable(),
});

export const ZContactImport = z.object({ csv: z.string().max(1024 * 1024, { error: "The file is larger than 1 MB" }) });

export const ZContactImportCheck = z.object({
  rows: z.number(),
  problems: z.array(z.object({ code: z.string(), message: z.string(), params: z.record(z.string(), z.union([z.string(), z.number()])), line: z.number().nullable() })),
});

export const ZContactInput = z.object({
  name: z.string().trim().min(1, { error: "Give the contact a name" }).max(100),
  phone: z.string().trim().min(3, { error: "Write the number" }).max(40),
  verified: z.boolean(),
  recordType: ZEntityType.nullish(),
  recordKey: ZEntityKey.nullish(),
  /** The person whose own phone this is (a worker's verified number), by user name. */
  username: z.string().trim().max(USERNAME_MAX_LENGTH).nullish(),
});

export const ZContactUpdate = ZContactInput.extend({ id: ZId });
export const ZContactRef = z.object({ contactId: ZId });

export const ZSmsLogFilter = z.object({
  direction: z.enum(["in", "out"]).optional(),
  status: z.enum(SMS_STATUSES).optional(),
  contact: z.string().max(100).optional(),
  automated: z.boolean().optional(),
  from: ZDateInput.optional(),
  to: ZDateInput.optional(),
  before: ZId.optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});

export const ZSmsLog = z.object({
  entries: z.array(
    z.object({
      id: z.string(),
      at: z.date(),
      direction: z.enum(["in", "out"]),
      contact: z.object({ id: z.string(), name: z.string(), phone: z.string(), phoneDisplay: z.string() }),
      body: z.string(),
      segments: z.number(),
      status: z.string(),
      errorCode: z.string().nullable(),
      errorMessage: z.string().nullable(),
      automated: z.boolean(),
      sentBy: z.string().nullable(),
      chatMessageId: z.string().nullable(),
    }),
  ),
  hasMore: z.boolean(),
});
