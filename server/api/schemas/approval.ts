import { z } from "zod";
import type { ApprovalDto } from "~/server/services/approval/dto";
import { MAX_EXPIRY_MINUTES, MAX_NAMED_APPROVERS } from "~/server/services/approval/request";
import { MESSAGE_MAX_LENGTH } from "~/contracts/limits";
import { ZEntityKey, ZEntityType, ZId } from "./common";

/** Shared by tRPC (`approval.request`) and the REST API (`POST /api/v1/approvals`). */
export const ZApproverList = z
  .array(z.string().trim().min(1).max(120))
  .min(1, { error: "Name at least one approver" })
  .max(MAX_NAMED_APPROVERS, { error: `At most ${MAX_NAMED_APPROVERS} approvers` })
  .describe("User names or user ids: all of them must approve");

export const ZApproverGroup = z
  .object({
    group: z.string().trim().min(1, { error: "Name the group" }).max(120),
    count: z.number({ error: "A whole number" }).int({ error: "A whole number" }).min(1, { error: "At least 1" }),
  })
  .describe("`count` members of the group must approve");

export const ZApprovers = z.union([ZApproverList, ZApproverGroup], {
  error: 'A list of user names, or {"group": name, "count": N}',
});

export const ZApprovalRequestFields = {
  record: z.object({ type: ZEntityType, key: ZEntityKey }),
  approvers: ZApprovers,
  message: z
    .string()
    .trim()
    .min(1, { error: "Write what is to be approved" })
    .max(MESSAGE_MAX_LENGTH, { error: `At most ${MESSAGE_MAX_LENGTH.toLocaleString("en")} characters` }),
  rejectionsToReject: z
    .number({ error: "A whole number" })
    .int({ error: "A whole number" })
    .min(1, { error: "At least 1" })
    .optional()
    .describe("Rejections that reject the request; 1 (any reject) unless given"),
  expiresInMinutes: z
    .number({ error: "A whole number of minutes" })
    .int({ error: "A whole number of minutes" })
    .min(1, { error: "At least 1 minute" })
    .max(MAX_EXPIRY_MINUTES, { error: "At most 90 days" })
    .optional(),
};

export const ZRequestApprovalInput = z.object(ZApprovalRequestFields);
export type TRequestApprovalInput = z.infer<typeof ZRequestApprovalInput>;

export const ZApprovalRef = z.object({ approvalId: ZId });

export const ZVoteInput = ZApprovalRef.extend({
  vote: z.enum(["approve", "reject"]),
  comment: z.string().trim().max(500, { error: "At most 500 characters" }).nullish(),
});

export const ZApproval = z.object({
  id: z.string(),
  state: z.enum(["pending", "approved", "rejected", "expired"]),
  record: z.object({ type: z.string(), key: z.string(), title: z.string().nullable() }),
  chatId: z.string(),
  messageId: z.string().nullable(),
  body: z.string(),
  approvers: z.array(z.object({ id: z.string(), name: z.string() })),
  group: z.object({ id: z.string(), name: z.string() }).nullable(),
  required: z.number(),
  rejectionsToReject: z.number(),
  approvedCount: z.number(),
  rejectedCount: z.number(),
  votes: z.array(
    z.object({ userId: z.string(), name: z.string(), vote: z.enum(["approve", "reject"]), comment: z.string().nullable(), at: z.date() }),
  ),
  expiresAt: z.date().nullable(),
  requestedBy: z.object({ kind: z.enum(["token", "user"]), name: z.string() }),
  createdAt: z.date(),
  resolvedAt: z.date().nullable(),
}) satisfies z.ZodType<ApprovalDto>;
