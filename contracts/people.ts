/** A person's status as others see it; "invisible" shows as offline to everyone else. */
export const USER_STATUSES = ["available", "busy", "away", "invisible", "unavailable"] as const;

export type UserStatus = (typeof USER_STATUSES)[number];
