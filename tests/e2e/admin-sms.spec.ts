import { randomBytes, randomInt } from "node:crypto";
import { readFile } from "node:fs/promises";
import { e2eSmsStandin } from "../support/e2e-sms";
import { postInboundSms } from "../support/sms-standin";
import { PRESENTATION, type APIRequestContext, type Page, type TestInfo, expect, test } from "./test";
import { accessibilityViolations, horizontalOverflow, smallTargets } from "./pages/checks";
import { signInAs } from "./pages/manager-page";
import { SmsContactsAdminPage, SmsLogPage, SmsSettingsPage } from "./pages/sms-admin-pages";

/**
 * The admin's side of two-way SMS (PRODUCT.md C6): contacts (added, verified, imported), the
 * SMS settings, and the messaging log. The e2e server texts through the provider's stand-in
 * (playwright.config.ts); numbers are each test's own, so runs side by side never meet.
 */
const sms = e2eSmsStandin(Number(process.env.E2E_PORT ?? 3100));

/** A Polish mobile number of this test's own: E.164, and as the app shows it. */
function ownNumber() {
  const digits = String(randomInt(0, 1_000_000)).padStart(6, "0");
  return { e164: `+48601${digits}`, display: `+48 601 ${digits.slice(0, 3)} ${digits.slice(3)}`, digits: `601${digits}` };
}

const unique = () => randomBytes(3).toString("hex");

/** Axe (WCAG 2.1 AA) in both schemes, 48 px targets and no sideways scrolling, on what the screen shows now. */
async function expectUsable(page: Page) {
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    expect(await accessibilityViolations(page), colorScheme).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: null });
  expect(await smallTargets(page)).toEqual([]);
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
}

async function keepScreenshot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: "disabled" });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** A tRPC call as the signed-in admin (the wire format is JSON under `json`). */
async function trpcCall<T>(request: APIRequestContext, procedure: string, input?: unknown): Promise<T> {
  const response =
    input === undefined ? await request.get(`/api/trpc/${procedure}`) : await request.post(`/api/trpc/${procedure}`, { data: { json: input } });
  expect(response.ok(), `${procedure}: ${await response.text()}`).toBe(true);
  return ((await response.json()) as { result: { data: { json: T } } }).result.data.json;
}

/** A number texting in, signed as the provider signs it: it becomes an unverified contact. */
async function textIn(baseURL: string | undefined, from: string, body: string) {
  const response = await postInboundSms(`${baseURL}/api/sms/inbound`, sms, { From: from, To: sms.from, Body: body });
  expect(response.status).toBe(200);
}

test.describe.configure({ timeout: 90_000 });

test.describe("SMS contacts for admins (C6)", () => {
  test("an admin reaches SMS contacts from the hub, adds a contact, is told a number is taken, and links a record", async ({ page }) => {
    await signInAs(page, "admin");
    await page.goto("/admin");
    await expect(page.getByRole("heading", { name: "SMS", level: 2 })).toBeVisible();
    await page.getByRole("link", { name: /^SMS contacts/ }).click();
    const contacts = new SmsContactsAdminPage(page);
    await expect(contacts.heading()).toBeVisible();
    await expect(page.getByText(`Texts go out from +48 22 123 45 67.`)).toBeVisible();

    const number = ownNumber();
    const name = `Driver ${unique()}`;
    await contacts.add().click();
    await expect(contacts.name()).toBeFocused();
    await expect(contacts.verified()).toBeChecked();
    await contacts.submit().click();
    await expect(contacts.name()).toHaveAccessibleDescription("Give the contact a name.");
    await contacts.name().fill(name);
    await contacts.phone().fill("12");
    await contacts.submit().click();
    await expect(contacts.phone()).toHaveAccessibleDescription(/Write the number\./);
    await contacts.phone().fill(number.display);
    await contacts.submit().click();
    await expect(page.getByRole("status").filter({ hasText: `${name} was added.` })).toBeVisible();
    await expect(contacts.add()).toBeFocused();
    await contacts.searchFor(number.digits);
    await expect(contacts.item(name)).toContainText(number.display);
    await expect(contacts.item(name)).not.toContainText("Unverified");

    // The same number again is refused beside the number, in words.
    await contacts.add().click();
    await contacts.name().fill(`${name} twice`);
    await contacts.phone().fill(number.e164);
    await contacts.submit().click();
    await expect(contacts.phone()).toHaveAccessibleDescription(/This number is already a contact\./);
    await expect(contacts.phone()).toBeFocused();
    await contacts.cancel().click();

    // Linked to a record that does not exist, then to one that does.
    await contacts.item(name).getByRole("button", { name: "Edit" }).click();
    await expect(page.getByRole("heading", { name: `Edit ${name}` })).toBeVisible();
    await contacts.recordType().fill("order");
    await contacts.recordKey().fill("SO-NOPE");
    await contacts.save().click();
    await expect(contacts.recordKey()).toHaveAccessibleDescription("There is no record with this key.");
    await contacts.recordKey().fill("SO-10001");
    await contacts.save().click();
    await expect(contacts.item(name)).toContainText("Record order:SO-10001");
    await expect(contacts.item(name).getByRole("button", { name: "Edit" })).toBeFocused();
  });

  test("an admin links a contact to a person's own phone by user name, and is told when nobody has that name", async ({ page }) => {
    await signInAs(page, "admin");
    const contacts = new SmsContactsAdminPage(page);
    await contacts.goto();
    const number = ownNumber();
    const name = `Phone ${unique()}`;
    await contacts.add().click();
    await contacts.name().fill(name);
    await contacts.phone().fill(number.e164);
    await contacts.username().fill("no-such-person");
    await contacts.submit().click();
    await expect(contacts.username()).toHaveAccessibleDescription("Nobody has this user name.");
    await expect(contacts.username()).toBeFocused();
    await contacts.username().fill("driver");
    await contacts.submit().click();
    await expect(page.getByRole("status").filter({ hasText: `${name} was added.` })).toBeVisible();
    await contacts.searchFor(number.digits);
    await expect(contacts.item(name)).toContainText("App user: Dawid Driver");

    // Editing shows the link, and emptying the field takes it away.
    await contacts.item(name).getByRole("button", { name: "Edit" }).click();
    await expect(contacts.username()).toHaveValue("driver");
    await contacts.username().fill("");
    await contacts.save().click();
    await expect(contacts.item(name).getByRole("button", { name: "Edit" })).toBeFocused();
    await expect(contacts.item(name)).not.toContainText("App user");
  });

  test("a number that texted in is listed unverified and verified with one tap", async ({ page, baseURL }) => {
    await signInAs(page, "admin");
    const number = ownNumber();
    await textIn(baseURL, number.e164, "Hello, is this the warehouse?");
    const contacts = new SmsContactsAdminPage(page);
    await contacts.goto();
    // The demo's number that texted in waits for an admin too.
    await contacts.searchFor("600100203");
    await expect(contacts.item("+48 600 100 203")).toContainText("Unverified");
    await contacts.searchFor(number.digits);
    const item = contacts.item(number.display);
    await expect(item).toContainText("Unverified");
    await expect(item).toContainText("Not listed under SMS contacts until verified.");
    await item.getByRole("button", { name: "Verify" }).click();
    await expect(item.getByText("Unverified")).toHaveCount(0);
    await expect(item.getByRole("button", { name: "Verify" })).toHaveCount(0);
    await expect(item.getByRole("button", { name: "Edit" })).toBeFocused();

    // Verified, it is among the contacts everyone who texts can open.
    const listed = await trpcCall<{ phone: string; verified: boolean }[]>(page.request, `sms.contacts?input=${encodeURIComponent(JSON.stringify({ json: { q: number.digits } }))}`);
    expect(listed).toEqual([expect.objectContaining({ phone: number.e164, verified: true })]);
  });

  test("a CSV import shows the line of a bad row, and imports all rows once it is fixed and checked again", async ({ page }) => {
    await signInAs(page, "admin");
    const contacts = new SmsContactsAdminPage(page);
    await contacts.goto();
    const [first, second] = [ownNumber(), ownNumber()];
    const tag = unique();
    const good = ["name;phone;verified;record_type;record_key", `Import one ${tag};${first.e164};yes;;`, `Import two ${tag};${second.display};no;order;SO-10002`];
    const bad = [good[0], good[1], `Import two ${tag};not a number;no;order;SO-10002`].join("\n");

    await contacts.importToggle().click();
    await contacts.csv().fill(bad);
    await expect(contacts.importButton()).toBeDisabled();
    await contacts.check().click();
    await expect(contacts.problems()).toContainText("Line 3");
    await expect(contacts.problems()).toContainText("Not a valid phone number.");
    await expect(contacts.problems()).toContainText(`Import two ${tag};not a number`);
    await expect(page.getByRole("status").filter({ hasText: "1 problem: nothing can be imported yet." })).toBeVisible();
    await expect(contacts.importButton()).toBeDisabled();
    await expect(contacts.importButton()).toHaveAccessibleDescription("Fix the lines with problems and check again.");

    await contacts.csv().fill(good.join("\n"));
    // The check was of the old text: still off until a new one.
    await expect(contacts.importButton()).toBeDisabled();
    await contacts.check().click();
    await expect(page.getByRole("status").filter({ hasText: "2 contacts, no problems." })).toBeVisible();
    await expect(contacts.importButton()).toHaveText("Import 2 contacts");
    await contacts.importButton().click();
    await expect(page.getByRole("status").filter({ hasText: "Imported: 2 added, 0 updated." })).toBeVisible();

    await contacts.searchFor(tag);
    await expect(contacts.item(`Import one ${tag}`)).toContainText(first.display);
    await expect(contacts.item(`Import two ${tag}`)).toContainText("Unverified");
    await expect(contacts.item(`Import two ${tag}`)).toContainText("Record order:SO-10002");
  });

  test("a chosen file is loaded into the import's text box", async ({ page }) => {
    await signInAs(page, "admin");
    const contacts = new SmsContactsAdminPage(page);
    await contacts.goto();
    await contacts.importToggle().click();
    await page.getByLabel("Choose a .csv file").setInputFiles({ name: "contacts.csv", mimeType: "text/csv", buffer: Buffer.from("name,phone\nAda,+48601000000\n") });
    await expect(page.getByRole("status").filter({ hasText: "Loaded contacts.csv." })).toBeVisible();
    await expect(contacts.csv()).toHaveValue("name,phone\nAda,+48601000000\n");
  });
});

test.describe("SMS settings (C6)", () => {
  test("an admin saves a quiet window and finds it after a reload", async ({ page }) => {
    await signInAs(page, "admin");
    const before = await trpcCall<unknown>(page.request, "sms.settings");
    const settings = new SmsSettingsPage(page);
    await settings.goto();
    // A day three days from today's (in any time zone), 01:00–02:00: never around now, so the
    // automated SMS other tests send meanwhile are not held.
    const dayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
    const day = dayNames[(new Date().getUTCDay() + 3) % 7]!;
    try {
      await settings.quiet().check();
      for (const name of dayNames) await settings.day(name).setChecked(false);
      await settings.save().click();
      await expect(page.getByText("Choose at least one day.")).toBeVisible();
      await settings.day(day).check();
      await settings.from().fill("01:00");
      await settings.to().fill("02:00");
      await settings.save().click();
      await expect(settings.saved()).toHaveText("Saved. They apply from the next message.");

      await page.reload();
      await expect(settings.quiet()).toBeChecked();
      for (const name of dayNames) await expect(settings.day(name)).toBeChecked({ checked: name === day });
      await expect(settings.from()).toHaveValue("01:00");
      await expect(settings.to()).toHaveValue("02:00");
      const saved = await trpcCall<{ quietWindow: unknown }>(page.request, "sms.settings");
      expect(saved.quietWindow).toEqual({ weekdays: [dayNames.indexOf(day)], fromMinute: 60, toMinute: 120 });
    } finally {
      await trpcCall(page.request, "sms.saveSettings", before);
    }
  });
});

test.describe("the messaging log (C6)", () => {
  test("lists what a script sent and the reply, newest first, filters them, and downloads them as CSV", async ({ page, baseURL }) => {
    await signInAs(page, "admin");
    const tokenName = `Reminders ${unique()}`;
    const { token } = await trpcCall<{ token: string }>(page.request, "token.create", { name: tokenName, scopes: ["sms:write"], chatId: null });
    const number = ownNumber();
    const reminder = `Your slot at dock 3 is 14:00 (${unique()})`;
    const sent = await fetch(`${baseURL}/api/v1/sms/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ to: number.e164, message: reminder, clientId: `e2e-${unique()}` }),
    });
    expect(sent.status).toBe(201);
    await textIn(baseURL, number.e164, "Thanks, I will be there");

    const log = new SmsLogPage(page);
    await log.goto();
    await log.contact().fill(number.digits);
    await expect(log.entries()).toHaveCount(2);
    await expect(log.entries().nth(0)).toContainText("In");
    await expect(log.entries().nth(0)).toContainText("Thanks, I will be there");
    await expect(log.entries().nth(0)).toContainText("Received");
    await expect(log.entries().nth(1)).toContainText("Out");
    await expect(log.entries().nth(1)).toContainText(reminder);
    await expect(log.entries().nth(1)).toContainText(`1 segment · Script: ${tokenName}`);
    await expect(log.entries().nth(1)).toContainText(/Queued|Sending|Sent|Delivered/);

    await log.direction().selectOption({ label: "Out (sent)" });
    await expect(log.entries()).toHaveCount(1);
    await expect(log.entries().first()).toContainText(reminder);
    await log.automatedOnly().check();
    await expect(log.entries()).toHaveCount(1);

    const [download] = await Promise.all([page.waitForEvent("download"), log.download().click()]);
    expect(download.suggestedFilename()).toMatch(/^sms-log-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = await readFile(await download.path(), "utf8");
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("time,direction,contact,phone,text,segments,status,error,automated,sent_by");
    expect(lines).toHaveLength(2);
    // A leading + is neutralised (contracts/sms-log.ts csvField) unless the field is a bare E.164 number.
    expect(lines[1]).toContain(`,out,'${number.display},${number.e164},${reminder},1,`);
    expect(lines[1]).toMatch(new RegExp(`,yes,${tokenName}$`));

    await log.contact().fill("nobody-texts-like-this");
    await expect(page.getByText("No SMS matches these filters.")).toBeVisible();
    await expect(log.download()).toBeDisabled();
  });
});

test.describe("who sees the SMS admin screens", () => {
  test("a manager gets no SMS entry on the admin hub and is refused the screens", async ({ page }) => {
    await signInAs(page, "manager");
    await page.goto("/admin");
    await expect(page.getByRole("heading", { name: "Admin", level: 1 })).toBeVisible();
    await expect(page.getByRole("link", { name: /^QR codes for records/ })).toBeVisible();
    await expect(page.getByRole("heading", { name: "SMS", level: 2 })).toHaveCount(0);
    for (const name of [/^SMS contacts/, /^SMS settings/, /^Messaging log/]) await expect(page.getByRole("link", { name })).toHaveCount(0);
    for (const path of ["/admin/sms", "/admin/sms/settings", "/admin/sms/log"]) {
      await page.goto(path);
      await expect(page.getByRole("heading", { name: "Only for admins", level: 1 })).toBeVisible();
    }
  });
});

const SIZES = [
  { name: "phone", viewport: { width: 390, height: 844 } },
  { name: "tablet", viewport: { width: 820, height: 1180 } },
] as const;

test("the SMS admin screens pass axe in both schemes, have 48 px targets and fit a phone and a tablet (screenshots kept)", PRESENTATION, async ({ browser, baseURL }, testInfo) => {
  // Three screens and their open states, two sizes, each checked by axe twice.
  test.setTimeout(240_000);
  const context = await browser.newContext({ viewport: SIZES[0].viewport, hasTouch: true, isMobile: true });
  const page = await context.newPage();
  await signInAs(page, "admin");
  // Something in the log: a failed send would need the provider; a reply is enough.
  const number = ownNumber();
  await textIn(baseURL, number.e164, "Running 10 minutes late, sorry. Gate 2?");
  const contacts = new SmsContactsAdminPage(page);
  const settings = new SmsSettingsPage(page);
  const log = new SmsLogPage(page);
  for (const size of SIZES) {
    await page.setViewportSize(size.viewport);
    await contacts.goto();
    await expect(contacts.item("Marek Driver")).toBeVisible();
    await expectUsable(page);
    await keepScreenshot(page, testInfo, `admin-sms-contacts-${size.name}`);

    await contacts.add().click();
    await contacts.submit().click();
    await contacts.importToggle().click();
    await contacts.csv().fill("name,phone,verified\nJan Kowalski,+48 600 123 456,yes\nAnna Nowak,600 12,maybe");
    await contacts.check().click();
    await expect(contacts.problems()).toBeVisible();
    await expectUsable(page);
    await keepScreenshot(page, testInfo, `admin-sms-contacts-forms-${size.name}`);

    await settings.goto();
    await expectUsable(page);
    await keepScreenshot(page, testInfo, `admin-sms-settings-${size.name}`);
    await settings.quiet().check();
    await page.getByRole("radio", { name: "A field of the linked record" }).check();
    await page.getByRole("checkbox", { name: /^Count the messages/ }).check();
    await expectUsable(page);
    await keepScreenshot(page, testInfo, `admin-sms-settings-open-${size.name}`);

    await log.goto();
    await expect(log.entries().first()).toBeVisible();
    await expectUsable(page);
    await keepScreenshot(page, testInfo, `admin-sms-log-${size.name}`);
  }
  // Polish is longer: it must fit a phone too.
  await page.setViewportSize(SIZES[0].viewport);
  await context.addCookies([{ name: "locale", value: "pl", domain: new URL(page.url()).hostname, path: "/" }]);
  for (const [name, path] of [
    ["admin-hub", "/admin"],
    ["admin-sms-contacts", "/admin/sms"],
    ["admin-sms-settings", "/admin/sms/settings"],
    ["admin-sms-log", "/admin/sms/log"],
  ] as const) {
    await page.goto(path);
    await expect(page.locator("html")).toHaveAttribute("lang", "pl");
    await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
    if (path === "/admin/sms/settings") await page.getByRole("checkbox", { name: "Wstrzymuj automatyczne SMS-y w oknie ciszy" }).check();
    expect(await smallTargets(page)).toEqual([]);
    expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
    await keepScreenshot(page, testInfo, `${name}-phone-pl`);
  }
  await context.close();
});
