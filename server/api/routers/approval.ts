import { z } from "zod";
import { createApproval } from "~/server/services/approval/request";
import { getApproval, pendingForMe } from "~/server/services/approval/read";
import { vote } from "~/server/services/approval/decide";
import { ZApproval, ZApprovalRef, ZRequestApprovalInput, ZVoteInput } from "../schemas/approval";
import { authedProcedure, managerProcedure, router } from "../trpc";

export const approvalRouter = router({
  get: authedProcedure.input(ZApprovalRef).output(ZApproval).query(({ ctx, input }) => getApproval(ctx, ctx.actor, input.approvalId)),
  /** One final vote; FORBIDDEN for someone who is not an approver, CONFLICT after a vote or once resolved. */
  vote: authedProcedure.input(ZVoteInput).output(ZApproval).mutation(({ ctx, input }) => vote(ctx, ctx.actor, input)),
  /** Requests waiting for the caller's vote (the Manager view), oldest first. */
  pendingForMe: authedProcedure.output(z.array(ZApproval)).query(({ ctx }) => pendingForMe(ctx, ctx.actor)),
  /** "Ask for approval" on a record from the app: the same request a script makes through the API. */
  request: managerProcedure.input(ZRequestApprovalInput).output(ZApproval).mutation(({ ctx, input }) => createApproval(ctx, ctx.actor, input)),
});
