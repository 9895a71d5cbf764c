import { sql } from "drizzle-orm";
import { index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { chats } from "./chats";
import { groups } from "./groups";
import { messages } from "./messages";
import { users } from "./users";

export const approvalState = pgEnum("approval_state", ["pending", "approved", "rejected", "expired"]);
export const approvalVote = pgEnum("approval_vote", ["approve", "reject"]);

/**
 * A request on a record that named people (all of them) or N members of a group must approve
 * (PRODUCT.md W4). Rejections needed to reject: 1 by default ("any reject").
 */
export const approvals = pgTable(
  "approvals",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    chatId: uuid("chat_id")
      .notNull()
      .references(() => chats.id, { onDelete: "cascade" }),
    messageId: uuid("message_id").references(() => messages.id, { onDelete: "set null" }),
    entityType: text("entity_type").notNull(),
    entityKey: text("entity_key").notNull(),
    body: text("body").notNull(),
    // Named approvers (all must approve) or a group of which `required` must approve.
    approverIds: text("approver_ids").array().notNull().default(sql`'{}'::text[]`),
    groupId: uuid("group_id").references(() => groups.id, { onDelete: "restrict" }),
    required: integer("required").notNull(),
    rejectionsToReject: integer("rejections_to_reject").notNull().default(1),
    state: approvalState("state").notNull().default("pending"),
    expiresAt: timestamp("expires_at", { withTimezone: true }),
    requestedBy: text("requested_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
  },
  (t) => [
    index("approvals_entity_idx").on(t.entityType, t.entityKey),
    index("approvals_pending_expiry_idx").on(t.expiresAt).where(sql`${t.state} = 'pending'`),
  ],
);

/** One final vote per person per request. */
export const approvalVotes = pgTable(
  "approval_votes",
  {
    approvalId: uuid("approval_id")
      .notNull()
      .references(() => approvals.id, { onDelete: "cascade" }),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    vote: approvalVote("vote").notNull(),
    comment: text("comment"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.approvalId, t.userId] })],
);

export type Approval = typeof approvals.$inferSelect;
export type ApprovalVote = typeof approvalVotes.$inferSelect;
