import { USER_STATUSES } from "~/contracts/people";
import { z } from "zod";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, USERNAME_MAX_LENGTH } from "~/contracts/limits";
import { ROLES } from "~/contracts/roles";
import { ZId } from "./common";

export const ZRole = z.enum(ROLES);
export const ZUserStatus = z.enum(USER_STATUSES);

export const ZProfile = z.object({
  id: z.string(),
  username: z.string(),
  name: z.string(),
  role: ZRole,
  status: ZUserStatus,
  statusText: z.string(),
  locale: z.string().nullable(),
  groups: z.array(z.object({ id: z.string(), name: z.string(), kind: z.enum(["team", "site", "company"]) })),
  can: z.object({ createRooms: z.boolean(), moderateMessages: z.boolean(), createRecords: z.boolean(), sms: z.boolean() }),
});

export const ZUserListItem = z.object({
  id: z.string(),
  username: z.string().nullable(),
  name: z.string(),
  role: ZRole,
  lastActiveAt: z.date().nullable(),
  deactivated: z.boolean(),
});

export const ZCreateUserInput = z.object({
  username: z
    .string()
    .trim()
    .min(3, { error: "At least 3 characters" })
    .max(USERNAME_MAX_LENGTH, { error: `At most ${USERNAME_MAX_LENGTH} characters` })
    .regex(/^[a-zA-Z0-9_.]+$/, { error: "Letters, digits, dots and underscores only" }),
  name: z.string().trim().min(1, { error: "Required" }).max(100, { error: "At most 100 characters" }),
  password: z
    .string()
    .min(PASSWORD_MIN_LENGTH, { error: `At least ${PASSWORD_MIN_LENGTH} characters` })
    .max(PASSWORD_MAX_LENGTH, { error: `At most ${PASSWORD_MAX_LENGTH} characters` }),
  role: ZRole,
});
export type TCreateUserInput = z.infer<typeof ZCreateUserInput>;

export const ZCreatedUser = z.object({ id: z.string(), username: z.string(), name: z.string(), role: ZRole });

export const ZUserIdInput = z.object({ userId: ZId });
export type TUserIdInput = z.infer<typeof ZUserIdInput>;

export const ZActivation = z.object({ id: z.string(), deactivatedAt: z.date().nullable() });
