import { randomBytes } from "node:crypto";
import { PRESENTATION, type Page, type TestInfo, expect, test } from "./test";
import { AdminHubPage, ImportPage, RotaPage, RotasPage, TokensPage, WebhooksPage } from "./pages/admin-pages";
import { accessibilityViolations, horizontalOverflow, smallTargets } from "./pages/checks";
import { signInAs } from "./pages/manager-page";

/** Axe (WCAG 2.1 AA) and 48 px targets on what the screen shows now. */
async function expectUsable(page: Page) {
  expect(await accessibilityViolations(page)).toEqual([]);
  expect(await smallTargets(page)).toEqual([]);
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
}

// Each test walks a whole screen and runs axe several times on a CPU shared with other builds.
test.describe.configure({ timeout: 90_000 });

/** A picture of the screen, kept with the test results to look at. */
async function keepScreenshot(page: Page, testInfo: TestInfo, name: string) {
  const path = testInfo.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true, animations: "disabled" });
  await testInfo.attach(name, { path, contentType: "image/png" });
}

/** Something of this test's own, so runs side by side (and --repeat-each) never meet. */
const unique = () => randomBytes(3).toString("hex");

test.describe("API tokens (A2)", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  test("an admin creates a token from Me, sees it once, copies it; it opens /api/v1 until revoked, then 401", async ({ page, baseURL }, testInfo) => {
    await signInAs(page, "admin");
    await page.goto("/settings");
    await page.getByRole("link", { name: "Admin", exact: true }).click();
    const hub = new AdminHubPage(page);
    await expect(hub.heading()).toBeVisible();
    await hub.link("API tokens").click();
    const tokens = new TokensPage(page);
    await expect(tokens.heading()).toBeVisible();

    await tokens.create().click();
    const name = `Stock script ${unique()}`;
    await tokens.name().fill(name);
    await expect(tokens.scope("Read records")).toBeChecked();
    await expect(tokens.chat()).toHaveAccessibleDescription(/can post only into that chat/);
    await expectUsable(page);
    await keepScreenshot(page, testInfo, "token-form");
    await tokens.submit().click();

    await expect(page.getByRole("heading", { name: `Token “${name}” is ready` })).toBeFocused();
    await expect(page.getByText("Copy it now: you will not see it again.")).toBeVisible();
    const token = (await tokens.shownValue().textContent()) ?? "";
    expect(token).toMatch(/^fct_/);
    await tokens.copy().click();
    await expect(page.getByRole("status").filter({ hasText: "Copied" })).toBeVisible();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(token);
    await expectUsable(page);
    await keepScreenshot(page, testInfo, "token-shown-once");

    const record = `${baseURL}/api/v1/entities/order/SO-10001`;
    const first = await fetch(record, { headers: { authorization: `Bearer ${token}` } });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ type: "order", key: "SO-10001" });

    await tokens.done().click();
    await expect(tokens.shownValue()).toHaveCount(0);
    await expect(page.getByText(token)).toHaveCount(0);
    const item = tokens.item(name);
    await expect(item).toContainText(token.slice(0, 10));
    await expect(item).toContainText("Read records, their history and the SMS log");
    await expect(item).toContainText(/Last used (now|\d+ seconds? ago|in \d+ seconds?)/);

    await item.getByRole("button", { name: "Revoke" }).click();
    await expect(item.getByRole("group")).toContainText(`Revoke “${name}”?`);
    await expectUsable(page);
    await item.getByRole("button", { name: "Yes, revoke" }).click();
    await expect(item.getByText("Revoked", { exact: true })).toBeVisible();
    await expect(item.getByRole("button", { name: "Revoke" })).toHaveCount(0);

    const after = await fetch(record, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });

  test("a bound token names its chat in the list", async ({ page }) => {
    await signInAs(page, "admin");
    const tokens = new TokensPage(page);
    await tokens.goto();
    await tokens.create().click();
    const name = `Kiosk ${unique()}`;
    await tokens.name().fill(name);
    await tokens.scope("Open system chats").check();
    // The company chat is named after the organisation.
    const company = (await tokens.chat().locator("option", { hasText: "Acme Logistics" }).first().textContent()) ?? "";
    await tokens.chat().selectOption({ label: company });
    await tokens.submit().click();
    await tokens.done().click();
    await expect(tokens.item(name)).toContainText(`Posts only to: ${company}`);
  });
});

test.describe("who may open the admin screens", () => {
  test("a worker visiting /admin sees a clear not-allowed page, and Me has no Admin link", async ({ page }) => {
    await signInAs(page, "picker");
    const hub = new AdminHubPage(page);
    for (const path of ["/admin", "/admin/tokens", "/admin/webhooks", "/admin/import", "/admin/rotas"]) {
      await page.goto(path);
      await expect(hub.notAllowed()).toBeVisible();
      await expect(page.getByText("This page is for admins.")).toBeVisible();
    }
    await expect(page.getByRole("link", { name: "Back to Me" })).toHaveAttribute("href", "/settings");
    await expectUsable(page);
    await page.goto("/settings");
    await expect(page.getByRole("heading", { name: "Status" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Admin", exact: true })).toHaveCount(0);
  });

  test("a manager finds only the QR codes on /admin and is told the rest is for admins", async ({ page }) => {
    await signInAs(page, "manager");
    const hub = new AdminHubPage(page);
    await hub.goto();
    await expect(hub.heading()).toBeVisible();
    await expect(hub.link("QR codes for records")).toHaveAttribute("href", "/admin/qr");
    await expect(hub.link("API tokens")).toHaveCount(0);
    await expect(page.getByText("Tokens, webhooks, imports, rotas and SMS are set up by admins.")).toBeVisible();
    await page.goto("/admin/tokens");
    await expect(hub.notAllowed()).toBeVisible();
  });
});

test.describe("CSV import of records (W2)", () => {
  test("the preview shows a row's problem with its line and Import stays off until the file is fixed and previewed again", async ({ page }) => {
    await signInAs(page, "admin");
    const screen = new ImportPage(page);
    await screen.goto();
    await expect(screen.importButton()).toBeDisabled();
    const key = unique().toUpperCase();
    const bad = ["type,key,title,status,dock", `pallet,E2E-${key}-1,Imported one,new,D1`, `pallet,E2E-${key}-2,,new,D2`, "order,SO-10299,Renamed by import,packed,D3"].join("\n");
    await screen.csv().fill(bad);
    await screen.preview().click();
    await expect(screen.problems()).toContainText("Line 3");
    await expect(screen.problems()).toContainText("The title is missing.");
    await expect(screen.summary()).toHaveText("1 to create, 1 to update, 1 with problems.");
    await expect(screen.importButton()).toBeDisabled();
    await expect(screen.importButton()).toHaveAccessibleDescription("Fix the rows with problems and preview again.");
    await expectUsable(page);

    await screen.csv().fill(bad.replace(`E2E-${key}-2,,`, `E2E-${key}-2,Imported two,`));
    // The preview was of the old text: still off until a new preview.
    await expect(screen.importButton()).toBeDisabled();
    await screen.preview().click();
    await expect(screen.summary()).toHaveText("2 to create, 1 to update, 0 with problems.");
    await expect(screen.rows()).toContainText(`pallet:E2E-${key}-1`);
    await expect(screen.importButton()).toBeEnabled();
    await expect(screen.importButton()).toHaveText("Import 3 records");
    await screen.importButton().click();
    await expect(screen.done()).toHaveText("Imported: 2 created, 1 updated.");
    await expect(screen.importButton()).toBeDisabled();

    const check = await page.request.post("/api/trpc/record.previewImport", { data: { json: { csv: bad.replace(`E2E-${key}-2,,`, `E2E-${key}-2,Again,`) } } });
    const preview = ((await check.json()) as { result: { data: { json: { creates: number; updates: number } } } }).result.data.json;
    expect(preview).toMatchObject({ creates: 0, updates: 3 });
  });

  test("a chosen file is loaded into the text box", async ({ page }) => {
    await signInAs(page, "admin");
    const screen = new ImportPage(page);
    await screen.goto();
    await page.getByLabel("Choose a .csv file").setInputFiles({ name: "records.csv", mimeType: "text/csv", buffer: Buffer.from("type,key,title\nbin,A-01,Aisle A\n") });
    await expect(page.getByRole("status").filter({ hasText: "Loaded records.csv." })).toBeVisible();
    await expect(screen.csv()).toHaveValue("type,key,title\nbin,A-01,Aisle A\n");
  });
});

test.describe("webhooks (A4)", () => {
  test("an unsafe URL is refused with its reason, a public one shows its secret once, its log opens, and it can be deleted", async ({ page }, testInfo) => {
    await signInAs(page, "admin");
    const hooks = new WebhooksPage(page);
    await hooks.goto();
    await hooks.add().click();
    // Not 127.0.0.1: the e2e server admits loopback (OUTBOUND_ALLOW_LOOPBACK) for the approvals receiver.
    await hooks.url().fill("http://1.1.1.1/hook");
    await hooks.submit().click();
    await expect(hooks.url()).toHaveAccessibleDescription("Only https addresses are allowed.");
    await expect(hooks.url()).toBeFocused();
    await hooks.url().fill("https://10.1.2.3/hook");
    await hooks.submit().click();
    await expect(hooks.url()).toHaveAccessibleDescription("10.1.2.3 is a private, loopback or link-local address. Use a public address.");
    await expectUsable(page);
    await keepScreenshot(page, testInfo, "webhook-refused");

    // A public address given as an IP: nothing is sent to it in this test (no event is queued).
    const url = `https://1.1.1.1/floorchat-${unique()}`;
    await hooks.url().fill(url);
    await hooks.event("An approval is approved").check();
    await hooks.submit().click();
    await expect(page.getByRole("heading", { name: "Webhook added" })).toBeFocused();
    await expect(page.getByTestId("shown-once-value")).toHaveText(/^whsec_/);
    await expect(page.getByText("x-floorchat-signature: t=…,v1=…").first()).toBeVisible();
    await expectUsable(page);
    await keepScreenshot(page, testInfo, "webhook-secret");
    await page.getByRole("button", { name: "Done, I have saved it" }).click();
    await expect(page.getByTestId("shown-once-value")).toHaveCount(0);

    const item = hooks.item(url);
    await expect(item).toContainText("A message in a record's chat");
    await expect(item).toContainText("An approval is approved, rejected or expired");
    await expect(item).toContainText("0 waiting · 0 failed");
    await item.getByRole("button", { name: "Delivery log" }).click();
    await expect(item.getByRole("button", { name: "Delivery log" })).toHaveAttribute("aria-expanded", "true");
    await expect(item.getByText("Nothing sent yet.")).toBeVisible();
    await item.getByRole("button", { name: "Refresh" }).click();
    await expect(item.getByRole("button", { name: "Refresh" })).toBeEnabled();
    await expectUsable(page);
    await keepScreenshot(page, testInfo, "webhook-log");

    await item.getByRole("button", { name: "Delete" }).click();
    await item.getByRole("button", { name: "Yes, delete" }).click();
    await expect(item).toHaveCount(0);
  });
});

test.describe("on-duty rotas (C5)", () => {
  test("the demo's helpdesk rota has both managers on duty now", async ({ page }) => {
    await signInAs(page, "admin");
    const rotas = new RotasPage(page);
    await rotas.goto();
    await expect(rotas.item("helpdesk")).toContainText("On duty now: Marta Manager, Tomasz Nowak");
    await expect(rotas.item("helpdesk")).toContainText("Group: Managers");
    await expectUsable(page);
  });

  test("an admin creates a rota, puts a member of its group on duty all day, sees them on duty now, removes the shift and deletes the rota", async ({ page }, testInfo) => {
    await signInAs(page, "admin");
    const rotas = new RotasPage(page);
    await rotas.goto();
    await rotas.create().click();
    const name = `dock-${unique()}`;
    await rotas.name().fill(name.toUpperCase());
    await expect(rotas.name()).toHaveValue(name);
    await rotas.group().selectOption({ label: "Warehouse A" });
    await rotas.timeZone().selectOption("Europe/Warsaw");
    await expectUsable(page);
    await rotas.submit().click();

    const rota = new RotaPage(page);
    await expect(rota.heading(name)).toBeVisible();
    await expect(page.getByText("Group Warehouse A · Europe/Warsaw")).toBeVisible();
    await expect(rota.onDuty()).toHaveText("Nobody is on duty now: requests to this rota are refused.");
    await rota.person().selectOption({ label: "Piotr Picker" });
    await rota.day().selectOption({ label: "Every day" });
    await rota.from().fill("00:00");
    await rota.to().fill("00:00");
    await rota.add().click();
    await expect(rota.shifts("Piotr Picker").getByRole("listitem")).toHaveText(["Every day 00:00–24:00Remove"]);
    await expect(rota.onDuty()).toHaveText("On duty now: Piotr Picker");
    await expectUsable(page);

    // A night shift runs into the next day: two windows.
    await rota.day().selectOption({ label: "Saturday" });
    await rota.from().fill("22:00");
    await rota.to().fill("06:00");
    await rota.add().click();
    await expect(rota.shifts("Piotr Picker").getByRole("listitem")).toHaveText(["Every day 00:00–24:00Remove", "Saturday 22:00–24:00Remove", "Sunday 00:00–06:00Remove"]);
    await keepScreenshot(page, testInfo, "rota-shifts");

    await rota.shifts("Piotr Picker").getByRole("button", { name: "Remove Every day 00:00–24:00 for Piotr Picker" }).click();
    await expect(rota.shifts("Piotr Picker").getByRole("listitem")).toHaveCount(2);

    await rota.delete().click();
    await rota.confirmDelete().click();
    await expect(rotas.heading()).toBeVisible();
    await expect(rotas.item(name)).toHaveCount(0);
  });
});

const SIZES = [
  { name: "phone", viewport: { width: 390, height: 844 } },
  { name: "tablet", viewport: { width: 820, height: 1180 } },
] as const;

for (const scheme of ["light", "dark"] as const) {
  test(`every admin screen passes axe and 48 px targets at phone and tablet size in ${scheme} mode (screenshots kept)`, PRESENTATION, async ({ browser }, testInfo) => {
    // Six screens, two sizes, each checked by axe: longer than one ordinary test.
    test.setTimeout(180_000);
    const context = await browser.newContext({ viewport: SIZES[0].viewport, hasTouch: true, isMobile: true, colorScheme: scheme });
    const page = await context.newPage();
    await signInAs(page, "admin");
    const screens: [string, string, () => Promise<void>][] = [
      ["admin-hub", "/admin", () => expect(new AdminHubPage(page).link("API tokens")).toBeVisible()],
      ["admin-tokens", "/admin/tokens", () => expect(page.getByRole("heading", { name: "Tokens", level: 2 })).toBeVisible().then(() => expect(page.locator("[aria-busy=true]")).toHaveCount(0))],
      ["admin-webhooks", "/admin/webhooks", () => expect(page.getByRole("heading", { name: "Webhooks", level: 2 })).toBeVisible().then(() => expect(page.locator("[aria-busy=true]")).toHaveCount(0))],
      ["admin-import", "/admin/import", () => expect(page.getByRole("textbox", { name: "CSV" })).toBeVisible()],
      ["admin-rotas", "/admin/rotas", () => expect(page.getByRole("heading", { name: "helpdesk" })).toBeVisible()],
    ];
    for (const size of SIZES) {
      await page.setViewportSize(size.viewport);
      for (const [name, path, ready] of screens) {
        await page.goto(path);
        await ready();
        await expectUsable(page);
        await keepScreenshot(page, testInfo, `${name}-${size.name}-${scheme}`);
      }
      await new RotasPage(page).item("helpdesk").getByRole("link", { name: "Shifts" }).click();
      await expect(page.getByRole("list", { name: "Marta Manager" })).toBeVisible();
      await expectUsable(page);
      await keepScreenshot(page, testInfo, `admin-rota-${size.name}-${scheme}`);
      await page.goto("/admin/import");
      await page.getByRole("textbox", { name: "CSV" }).fill("type,key,title\norder,SO-10003,Fine\nOrder,SO-X,Bad type\norder,SO-10003,Twice");
      await page.getByRole("button", { name: "Preview" }).click();
      await expect(page.getByRole("list", { name: "Problems" })).toBeVisible();
      await expectUsable(page);
      await keepScreenshot(page, testInfo, `admin-import-preview-${size.name}-${scheme}`);
    }
    if (scheme === "light") {
      // Polish strings are longer: they must fit a phone too.
      await page.setViewportSize(SIZES[0].viewport);
      await context.addCookies([{ name: "locale", value: "pl", domain: new URL(page.url()).hostname, path: "/" }]);
      for (const [name, path] of [["admin-hub", "/admin"], ["admin-tokens", "/admin/tokens"], ["admin-webhooks", "/admin/webhooks"], ["admin-import", "/admin/import"], ["admin-rotas", "/admin/rotas"]]) {
        await page.goto(path!);
        await expect(page.locator("html")).toHaveAttribute("lang", "pl");
        await expect(page.locator("[aria-busy=true]")).toHaveCount(0);
        expect(await smallTargets(page)).toEqual([]);
        expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
        await keepScreenshot(page, testInfo, `${name}-phone-pl`);
      }
    }
    await context.close();
  });
}
