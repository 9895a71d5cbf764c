import { z } from "zod";
import { getEnv } from "~/server/env";
import { displayPhone } from "~/server/services/sms/phone";
import { contactForChat, createContact, listContacts, openContact, updateContact } from "~/server/services/sms/contacts";
import { assertPermission } from "~/server/services/permissions";
import { smsLog } from "~/server/services/sms/log";
import { getSmsSettings, setSmsSettings, ZSmsSettings } from "~/server/services/sms/settings";
import { ZChatRef, ZOk } from "../schemas/common";
import { checkContactCsv, importContacts } from "~/server/services/sms/contacts-import";
import { ZChatContact, ZContactImport, ZContactImportCheck, ZSmsLog, ZSmsLogFilter, ZContact, ZContactInput, ZContactRef, ZContactSearch, ZContactUpdate, ZSmsSetup } from "../schemas/sms";
import { adminProcedure, authedProcedure, router } from "../trpc";

/** Two-way SMS (PRODUCT.md C6): contacts and their chat windows, for people with the `sms` permission. */
export const smsRouter = router({
  setup: authedProcedure.output(ZSmsSetup).query(async ({ ctx }) => {
    await assertPermission(ctx.db, ctx.actor, "sms", "You may not use SMS");
    const config = ctx.sms?.config ?? null;
    const options = await getSmsSettings(ctx.db);
    return {
      configured: config !== null,
      from: config ? (config.from.startsWith("+") ? displayPhone(config.from) : config.from) : null,
      allowedCountries: config?.allowedCountries ?? [],
      maxSegments: options.maxSegments,
      siteTimeZone: config?.siteTimeZone ?? getEnv().SITE_TIME_ZONE,
      messageCounter: options.messageCounter,
      canManage: ctx.actor.role === "admin",
    };
  }),
  settings: adminProcedure.output(ZSmsSettings).query(({ ctx }) => getSmsSettings(ctx.db)),
  saveSettings: adminProcedure
    .input(ZSmsSettings)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await setSmsSettings(ctx.db, ctx.actor, input), { ok: true as const })),
  log: adminProcedure
    .input(ZSmsLogFilter)
    .output(ZSmsLog)
    .query(({ ctx, input }) => smsLog(ctx.db, input)),
  contacts: authedProcedure
    .input(ZContactSearch)
    .output(z.array(ZContact))
    .query(({ ctx, input }) => listContacts(ctx.db, ctx.actor, input)),
  forChat: authedProcedure
    .input(ZChatRef)
    .output(ZChatContact)
    .query(({ ctx, input }) => contactForChat(ctx.db, ctx.actor, input.chatId)),
  open: authedProcedure
    .input(ZContactRef)
    .output(z.object({ chatId: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const { chatId, envelope } = await openContact(ctx.db, ctx.actor, input.contactId);
      if (envelope) ctx.realtime.publish([envelope]);
      return { chatId };
    }),
  checkImport: adminProcedure
    .input(ZContactImport)
    .output(ZContactImportCheck)
    .mutation(async ({ ctx, input }) => {
      const { rows, problems } = await checkContactCsv(ctx.db, input.csv, ctx.sms?.config.defaultCountry);
      return { rows: rows.length, problems: problems.map(({ code, message, params, line }) => ({ code, message, params, line })) };
    }),
  importContacts: adminProcedure
    .input(ZContactImport)
    .output(z.object({ created: z.number(), updated: z.number() }))
    .mutation(({ ctx, input }) => importContacts(ctx.db, ctx.actor, input.csv, ctx.sms?.config.defaultCountry)),
  createContact: adminProcedure
    .input(ZContactInput)
    .output(z.object({ id: z.string() }))
    .mutation(({ ctx, input }) => createContact(ctx.db, ctx.actor, input, ctx.sms?.config.defaultCountry)),
  updateContact: adminProcedure
    .input(ZContactUpdate)
    .output(ZOk)
    .mutation(async ({ ctx, input }) => (await updateContact(ctx.db, ctx.actor, input.id, input, ctx.sms?.config.defaultCountry), { ok: true as const })),
});
