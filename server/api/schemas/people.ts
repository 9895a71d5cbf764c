import { z } from "zod";
import { ZUserId } from "./common";
import { ZRole, ZUserStatus } from "./user";
import { STATUS_TEXT_MAX_LENGTH } from "~/contracts/limits";

export const ZPerson = z.object({
  id: z.string(),
  name: z.string(),
  username: z.string(),
  role: ZRole,
  online: z.boolean(),
  status: ZUserStatus,
  statusText: z.string(),
  lastActiveAt: z.date().nullable(),
});

export const ZPersonCard = ZPerson.extend({
  groups: z.array(z.object({ id: z.string(), name: z.string(), kind: z.enum(["team", "site", "company"]) })),
});

export const ZListPeopleInput = z.object({
  sort: z.enum(["name", "activity"]).default("name"),
  query: z.string().max(100).optional(),
});

export const ZPersonRef = z.object({ userId: ZUserId });

export const ZSetStatusInput = z.object({
  status: ZUserStatus,
  statusText: z.string().trim().max(STATUS_TEXT_MAX_LENGTH, { error: `At most ${STATUS_TEXT_MAX_LENGTH} characters` }),
});
