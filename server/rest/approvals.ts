import { z } from "zod";
import { ZApprovalRequestFields } from "~/server/api/schemas/approval";
import { ZId } from "~/server/api/schemas/common";
import { approvalJson } from "~/server/services/approval/dto";
import { createApproval } from "~/server/services/approval/request";
import { getApprovalForToken } from "~/server/services/approval/read";
import { assertUnbound } from "~/server/services/tokens";
import { type Route, route } from "./core";

/** Approvals on records (PRODUCT.md W4, README "API for scripts"). */
export const ZApprovalInput = z
  .object({
    ...ZApprovalRequestFields,
    expiresAt: z.iso
      .datetime({ offset: true, error: "An ISO 8601 date and time, e.g. 2026-05-01T16:00:00Z" })
      .optional()
      .describe("When the request expires unless resolved; or give expiresInMinutes"),
  })
  .meta({ id: "ApprovalInput" });

const ZPerson = z.object({ id: z.string(), name: z.string() });

export const ZApprovalOut = z
  .object({
    id: z.string(),
    state: z.enum(["pending", "approved", "rejected", "expired"]),
    record: z.object({ type: z.string(), key: z.string(), title: z.string().nullable() }),
    chatId: z.string().describe("The record's chat, where the card is"),
    messageId: z.string().nullable(),
    body: z.string(),
    approvers: z.array(ZPerson).describe("The named approvers, or the group's current members"),
    group: ZPerson.nullable(),
    required: z.number().describe("Approvals needed"),
    rejectionsToReject: z.number(),
    approvedCount: z.number(),
    rejectedCount: z.number(),
    votes: z.array(
      z.object({ userId: z.string(), name: z.string(), vote: z.enum(["approve", "reject"]), comment: z.string().nullable(), at: z.string() }),
    ),
    expiresAt: z.string().nullable(),
    requestedBy: z.object({ kind: z.enum(["token", "user"]), name: z.string() }),
    createdAt: z.string(),
    resolvedAt: z.string().nullable(),
  })
  .meta({ id: "Approval" });

export const approvalRoutes: Route[] = [
  route({
    method: "POST",
    path: "/approvals",
    tag: "Approvals",
    summary: "Ask for approval on a record",
    description:
      "Opens (or reuses) the record's chat, adds the approvers to it and posts an approval card labelled with this token's name. `approvers` is a list of user names or ids (all must approve) or `{\"group\": name, \"count\": N}`. The request is rejected after `rejectionsToReject` rejections (default 1) and expires at `expiresAt` (or after `expiresInMinutes`). The webhook event `approval.resolved` fires when it is approved, rejected or expired.",
    scope: "approvals:write",
    body: ZApprovalInput,
    response: ZApprovalOut,
    status: 201,
    errors: [404, 413],
    handle: async ({ deps, token, body }) => {
      assertUnbound(token);
      const { expiresAt, ...rest } = body;
      const approval = await createApproval(deps, { kind: "token", id: token.id, name: token.name }, { ...rest, expiresAt: expiresAt ? new Date(expiresAt) : null });
      return approvalJson(approval);
    },
  }),
  route({
    method: "GET",
    path: "/approvals/{id}",
    tag: "Approvals",
    summary: "Read an approval request: its state and votes",
    scope: "read",
    params: z.object({ id: ZId }),
    response: ZApprovalOut,
    errors: [404],
    handle: async ({ deps, token, params }) => {
      assertUnbound(token);
      return approvalJson(await getApprovalForToken(deps, params.id));
    },
  }),
];
