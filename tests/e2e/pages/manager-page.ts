import { type APIRequestContext, type BrowserContext, type Page, type PlaywrightWorkerArgs, expect } from "@playwright/test";
import { ownDevice, signedInUserId } from "./checks";
import { DEMO_PASSWORD, SignInPage } from "./sign-in-page";

type Cookies = Awaited<ReturnType<BrowserContext["cookies"]>>;

/**
 * Sessions signed in once per worker and reused: fewer sign-ins keep the suite quick and clear
 * of the per-address sign-in rate limit.
 */
const sessions = new Map<string, { cookies: Cookies; userId: string }>();

/** Signs `username` in through the sign-in screen (or reuses their session) and lands on the chats. */
export async function signInAs(page: Page, username: string) {
  const saved = sessions.get(username);
  if (saved) {
    await page.context().addCookies(saved.cookies);
    await ownDevice(page.context(), saved.userId);
    await page.goto("/chats");
  } else {
    const signIn = new SignInPage(page);
    await signIn.goto();
    await signIn.signIn(username);
  }
  await expect(page).toHaveURL(/\/chats$/);
  if (!saved) sessions.set(username, { cookies: await page.context().cookies(), userId: await signedInUserId(page.request) });
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** The Manager view (PRODUCT.md W3): the queue of chats waiting for a reply. */
export class ManagerPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "Waiting for a reply", level: 1 });
  readonly tab = () => this.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Manager" });
  readonly queue = () => this.page.getByRole("list", { name: "Waiting for a reply" });
  /** One queue item, found by text it shows (a record key such as "SO-10250"). */
  readonly item = (text: string) => this.queue().locator(":scope > li").filter({ hasText: text });
  /** The item's expand/collapse button; its name includes the record key. */
  readonly toggle = (key: string) => this.item(key).getByRole("button", { name: new RegExp(escapeRegExp(key)) });
  readonly chip = (key: string, body: string) => this.item(key).getByRole("button", { name: body, exact: true });
  readonly openChat = (key: string) => this.item(key).getByRole("link", { name: /^Open chat/ });
  readonly sendFailure = (key: string) => this.item(key).getByRole("alert");
  readonly sendAgain = (key: string) => this.item(key).getByRole("button", { name: "Send again" });
  readonly notice = () => this.page.getByRole("status").filter({ hasText: /^(Sending|Sent) / });

  async goto() {
    await this.page.goto("/manager");
    await expect(this.heading()).toBeVisible();
  }

  async expand(key: string) {
    await this.toggle(key).click();
    await expect(this.toggle(key)).toHaveAttribute("aria-expanded", "true");
  }
}

type TrpcResult<T> = { result: { data: { json: T } } };

/** A persona talking to the tRPC API over HTTP, to set up chats without driving a second screen. */
export class ApiPersona {
  constructor(private readonly request: APIRequestContext) {}

  /** A persona of its own (not sharing the page's cookies), signed in as `username`. */
  static async signedIn(playwright: PlaywrightWorkerArgs["playwright"], baseURL: string, username: string) {
    const saved = sessions.get(username);
    const request = await playwright.request.newContext({
      baseURL,
      storageState: saved ? { cookies: saved.cookies, origins: [] } : undefined,
      // A kept-alive socket the server closes after 5 s idle can reset the next request sent on it.
      extraHTTPHeaders: { connection: "close" },
    });
    if (!saved) {
      const response = await request.post("/api/auth/sign-in/username", {
        data: { username, password: DEMO_PASSWORD },
        headers: { origin: baseURL },
      });
      expect(response.status(), await response.text()).toBe(200);
      sessions.set(username, { cookies: (await request.storageState()).cookies, userId: await signedInUserId(request) });
    }
    return new ApiPersona(request);
  }

  async dispose() {
    await this.request.dispose();
  }

  private async mutate<T>(path: string, input: unknown): Promise<T> {
    const response = await this.request.post(`/api/trpc/${path}`, { data: { json: input } });
    expect(response.status(), await response.text()).toBe(200);
    return ((await response.json()) as TrpcResult<T>).result.data.json;
  }

  private async query<T>(path: string, input: unknown): Promise<T> {
    const response = await this.request.get(`/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`);
    expect(response.status(), await response.text()).toBe(200);
    return ((await response.json()) as TrpcResult<T>).result.data.json;
  }

  /** Opens (and joins) the chat of an order record; returns the chat id. */
  async openOrderChat(key: string): Promise<string> {
    return (await this.mutate<{ id: string }>("chat.openForEntity", { type: "order", key })).id;
  }

  async send(chatId: string, body: string) {
    await this.mutate("message.send", { chatId, clientId: crypto.randomUUID(), body });
  }

  async messages(chatId: string): Promise<{ sender: { name: string }; body: string | null }[]> {
    return (await this.query<{ messages: { sender: { name: string }; body: string | null }[] }>("message.list", { chatId })).messages;
  }
}
