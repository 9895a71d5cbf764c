import AxeBuilder from "@axe-core/playwright";
import { type Browser, type BrowserContext, type Page, expect } from "@playwright/test";
import { SignInPage } from "./sign-in-page";

type Cookies = Awaited<ReturnType<BrowserContext["cookies"]>>;

/** Session cookies per user, for this worker: sign-in is rate limited (20 a minute), so each user signs in once. */
const sessions = new Map<string, Cookies>();

/**
 * Signs in through the form (waiting until the app lands on the chats), or reuses this worker's
 * earlier session of the same user. `fresh` always signs in anew and keeps the session to the
 * test, for tests that end it (signing out).
 */
export async function signInAs(page: Page, username: string, { fresh = false }: { fresh?: boolean } = {}) {
  const saved = fresh ? undefined : sessions.get(username);
  if (saved) {
    await page.context().addCookies(saved);
    return;
  }
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(username);
  await expect(page).toHaveURL(/\/chats$/);
  if (!fresh) sessions.set(username, await page.context().cookies());
}

/** A second person on their own device: a separate browser context, signed in. */
export async function otherDevice(browser: Browser, username: string, options: { colorScheme?: "light" | "dark" } = {}) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, ...options });
  const page = await context.newPage();
  await signInAs(page, username);
  return { context, page };
}

/** Every visible control must be a 48 px target (PRODUCT.md W7: gloves). */
export async function smallTargets(page: Page): Promise<string[]> {
  const controls = page.locator("button:visible, a:visible, input:visible, select:visible, textarea:visible");
  const small: string[] = [];
  for (const control of await controls.all()) {
    const box = await control.boundingBox();
    if (box && (box.height < 48 || box.width < 48)) {
      small.push(`${await control.evaluate((el) => el.outerHTML.slice(0, 80))} is ${box.width}×${box.height}`);
    }
  }
  return small;
}

/** WCAG 2.1 AA violations of any impact, as the sign-in and chats checks (quality.spec.ts) count them. */
export async function accessibilityViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa"]).analyze();
  return results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

export class PeoplePage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "People", level: 1 });
  readonly search = () => this.page.getByRole("searchbox", { name: "Search people" });
  readonly sortBy = (name: "Name" | "Recent activity") =>
    this.page.getByRole("group", { name: "Sort by" }).getByRole("button", { name, exact: true });
  readonly rows = () => this.page.getByTestId("person-row");
  readonly row = (name: string) => this.rows().filter({ hasText: name });
  readonly card = () => this.page.getByRole("dialog");
  readonly message = () => this.card().getByRole("button", { name: "Message" });
  readonly close = () => this.card().getByRole("button", { name: "Close" });
  readonly emptyState = () => this.page.getByRole("heading", { level: 2, name: /^No one matches/ });

  async goto() {
    await this.page.goto("/people");
    await expect(this.heading()).toBeVisible();
    await expect(this.rows().first()).toBeVisible();
  }

  async openCard(name: string) {
    await this.row(name).click();
    await expect(this.card()).toBeVisible();
    await expect(this.card().getByRole("heading", { name })).toBeVisible();
  }

  /** The online flags of the rows from top to bottom. */
  async onlineFlags(): Promise<boolean[]> {
    return (await this.rows().evaluateAll((rows) => rows.map((row) => row.getAttribute("data-online")))).map((v) => v === "true");
  }
}
