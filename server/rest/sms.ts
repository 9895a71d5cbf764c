import { z } from "zod";
import { SMS_MAX_LENGTH } from "~/contracts/sms";
import { sendAutomated } from "~/server/services/sms/automated";
import { smsLog } from "~/server/services/sms/log";
import { assertUnbound } from "~/server/services/tokens";
import { ZId } from "~/server/api/schemas/common";
import { type Route, route } from "./core";
import { ZClientId } from "./schemas";

const ZSmsInput = z
  .object({
    to: z.string().trim().min(3).max(40).describe("The number, best in E.164 (+48600100200); a national number is read in the sending number's country"),
    message: z.string().trim().min(1, { error: "Write something first" }).max(SMS_MAX_LENGTH, { error: `At most ${SMS_MAX_LENGTH} characters` }),
    clientId: ZClientId.describe("Idempotency key: a retry with the same value returns the original and sends nothing more"),
  })
  .meta({ id: "SmsInput" });

const ZSmsQueued = z
  .object({
    id: z.string(),
    to: z.string().describe("E.164"),
    status: z.string(),
    segments: z.number().describe("Billed segments (160 GSM-7 / 70 UCS-2 characters each, 153 / 67 when split)"),
    sendAt: z.string().describe("When it goes out: now, or the end of the quiet window"),
    chatId: z.string().nullable().describe("The contact's chat window, when automated SMS are shown there"),
    created: z.boolean().describe("false: a retry of an earlier clientId"),
  })
  .meta({ id: "SmsQueued" });

const ZSmsLogQuery = z.object({
  direction: z.enum(["in", "out"]).optional(),
  status: z.enum(["queued", "sending", "sent", "delivered", "failed", "undelivered", "received"]).optional(),
  contact: z.string().max(100).optional().describe("Part of a name or a number"),
  before: ZId.optional().describe("Paging: the id of the last entry you have"),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

const ZSmsLogEntry = z
  .object({
    id: z.string(),
    at: z.string(),
    direction: z.enum(["in", "out"]),
    contact: z.object({ id: z.string(), name: z.string(), phone: z.string() }),
    body: z.string(),
    segments: z.number(),
    status: z.string(),
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    automated: z.boolean(),
    sentBy: z.string().nullable().describe("The staff member, or the token that sent it"),
  })
  .meta({ id: "SmsLogEntry" });

export const smsRoutes: Route[] = [
  route({
    method: "POST",
    path: "/sms/messages",
    tag: "SMS",
    summary: "Send an automated SMS",
    description:
      "Queues a text (a reminder, a job notice) to any valid number; an unknown number becomes an unverified contact. Refused (403, with the reason) for a contact who replied STOP, a country not allowed, or past the daily segment cap. During the quiet window it waits until the window ends.",
    scope: "sms:write",
    body: ZSmsInput,
    response: ZSmsQueued,
    status: 201,
    errors: [413],
    handle: async ({ deps, token, body }) => {
      assertUnbound(token);
      return sendAutomated(deps, { kind: "token", id: token.id, name: token.name }, body);
    },
  }),
  route({
    method: "GET",
    path: "/sms/log",
    tag: "SMS",
    summary: "The messaging log",
    description: "Every SMS in and out, newest first; page with `before` = the last `id` you have.",
    scope: "read",
    query: ZSmsLogQuery,
    response: z.object({ entries: z.array(ZSmsLogEntry), hasMore: z.boolean() }).meta({ id: "SmsLog" }),
    handle: async ({ deps, token, query }) => {
      assertUnbound(token);
      const log = await smsLog(deps.db, query);
      return { hasMore: log.hasMore, entries: log.entries.map(({ chatMessageId: _message, ...entry }) => ({ ...entry, at: entry.at.toISOString() })) };
    },
  }),
];
