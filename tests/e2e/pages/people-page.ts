import { type Browser, type BrowserContext, type Page, expect } from "@playwright/test";
import { ownDevice, signedInUserId } from "./checks";
import { SignInPage } from "./sign-in-page";

type Cookies = Awaited<ReturnType<BrowserContext["cookies"]>>;

/** Session cookies per user, for this worker: sign-in is rate limited (20 a minute), so each user signs in once. */
const sessions = new Map<string, { cookies: Cookies; userId: string }>();

/**
 * Signs in through the form (waiting until the app lands on the chats), or reuses this worker's
 * earlier session of the same user. `fresh` always signs in anew and keeps the session to the
 * test, for tests that end it (signing out).
 */
export async function signInAs(page: Page, username: string, { fresh = false }: { fresh?: boolean } = {}) {
  const saved = fresh ? undefined : sessions.get(username);
  if (saved) {
    await page.context().addCookies(saved.cookies);
    await ownDevice(page.context(), saved.userId);
    return;
  }
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(username);
  await expect(page).toHaveURL(/\/chats$/);
  if (!fresh) sessions.set(username, { cookies: await page.context().cookies(), userId: await signedInUserId(page.request) });
}

/** A second person on their own device: a separate browser context, signed in. */
export async function otherDevice(browser: Browser, username: string, options: { colorScheme?: "light" | "dark" } = {}) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, ...options });
  const page = await context.newPage();
  await signInAs(page, username);
  // A saved session only sets the cookie: open the app, so the person is online (their stream).
  if (!page.url().endsWith("/chats")) await page.goto("/chats");
  return { context, page };
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

export { accessibilityViolations, horizontalOverflow, smallTargets } from "./checks";
