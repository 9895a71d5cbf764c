/**
 * How the SMS windows behave on this site (PRODUCT.md C6, the SMS document's settings), one
 * JSON settings row read through a schema: an odd or hand-edited value falls back to the
 * defaults field by field, never to something inherited.
 */
import { and, eq, lt, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { SMS_MAX_SEGMENTS_DEFAULT } from "~/contracts/sms";
import type { Db, Tx } from "~/db/client";
import { chatMembers, chats, settings } from "~/db/schema";
import type { Actor } from "~/server/domain-error";
import { writeAudit } from "~/server/services/audit";
import { localWeekMinute } from "~/server/services/rotas";

const KEY = "sms";

export const ZQuietWindow = z.object({
  /** 0 = Sunday, as rotas count them. */
  weekdays: z.array(z.number().int().min(0).max(6)).min(1).max(7),
  fromMinute: z.number().int().min(0).max(1439),
  toMinute: z.number().int().min(1).max(1440),
});

export const ZSmsSettings = z.object({
  /** Automated SMS wait while a live chat is likely (off: null). */
  quietWindow: ZQuietWindow.nullable().catch(null),
  /** Automated traffic in chat windows: shown, hidden, or only replies that look invalid. */
  automated: z.enum(["show", "hide", "invalid_replies"]).catch("show"),
  /** "Read" per person (default) or shared: one person reading marks it read for every SMS user. */
  sharedRead: z.boolean().catch(false),
  /** Each open window counts what it sent, red from `threshold` (null: no counter). */
  messageCounter: z.object({ threshold: z.number().int().min(1).max(1000) }).nullable().catch(null),
  /** A warning under the composer past this many segments. */
  maxSegments: z.number().int().min(1).max(10).catch(SMS_MAX_SEGMENTS_DEFAULT),
  /** The window's title: the contact's name (null), or this field of the linked record ("title" or a field's name). */
  titleField: z.string().trim().min(1).max(100).nullable().catch(null),
});

export type SmsSettings = z.infer<typeof ZSmsSettings>;

export const SMS_SETTINGS_DEFAULT: SmsSettings = {
  quietWindow: null,
  automated: "show",
  sharedRead: false,
  messageCounter: null,
  maxSegments: SMS_MAX_SEGMENTS_DEFAULT,
  titleField: null,
};

export async function getSmsSettings(db: Db | Tx): Promise<SmsSettings> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, KEY));
  const value = row?.value !== null && typeof row?.value === "object" ? row.value : {};
  const parsed = ZSmsSettings.safeParse({ ...SMS_SETTINGS_DEFAULT, ...Object.fromEntries(Object.entries(value)) });
  return parsed.success ? parsed.data : SMS_SETTINGS_DEFAULT;
}

export async function setSmsSettings(db: Db, actor: Actor, next: SmsSettings): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await getSmsSettings(tx);
    await tx.insert(settings).values({ key: KEY, value: next }).onConflictDoUpdate({ target: settings.key, set: { value: next } });
    await writeAudit(tx, actor, { action: "sms.settings", targetType: "settings", targetId: KEY, before, after: next });
  });
}

/**
 * When an automated SMS due at `now` may go: `now`, or the end of the quiet window it falls in
 * (in the site's time zone). A window whose end is before its start runs past midnight.
 */
export function afterQuietWindow(window: SmsSettings["quietWindow"], now: Date, timeZone: string): Date {
  if (!window) return now;
  const { weekday, minute } = localWeekMinute(now, timeZone);
  const overnight = window.toMinute <= window.fromMinute;
  let minutesLeft: number | null = null;
  if (!overnight && window.weekdays.includes(weekday) && minute >= window.fromMinute && minute < window.toMinute) minutesLeft = window.toMinute - minute;
  if (overnight && window.weekdays.includes(weekday) && minute >= window.fromMinute) minutesLeft = 1440 - minute + window.toMinute;
  if (overnight && window.weekdays.includes((weekday + 6) % 7) && minute < window.toMinute) minutesLeft = window.toMinute - minute;
  if (minutesLeft === null) return now;
  const end = new Date(now.getTime() + minutesLeft * 60_000);
  end.setUTCSeconds(0, 0);
  return end;
}

/**
 * With `sharedRead` on, one SMS user reading a contact's window reads it for every SMS user:
 * their positions move up to `seq` in one statement, which does nothing in any other chat or
 * with the setting off. Returns whose position moved (their devices are told).
 */
export async function shareSmsRead(db: Db, actorId: string, chatId: string, seq: number): Promise<string[]> {
  const moved = await db
    .update(chatMembers)
    .set({ lastReadSeq: seq })
    .where(
      and(
        eq(chatMembers.chatId, chatId),
        ne(chatMembers.userId, actorId),
        lt(chatMembers.lastReadSeq, seq),
        sql`exists (select 1 from ${chats} where ${chats.id} = ${chatId} and ${chats.kind} = 'sms')`,
        sql`exists (select 1 from ${settings} where ${settings.key} = ${KEY} and ${settings.value} -> 'sharedRead' = 'true'::jsonb)`,
      ),
    )
    .returning({ userId: chatMembers.userId });
  return moved.map((m) => m.userId);
}
