import { type Browser, type Page, expect } from "@playwright/test";
import { DEMO_PASSWORD } from "./sign-in-page";

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A signed-in person in their own browser context (their own cookies and stream). */
export async function personaPage(browser: Browser, username: string, options: { colorScheme?: "light" | "dark" } = {}) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    colorScheme: options.colorScheme,
  });
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("User name").fill(username);
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/chats$/);
  return page;
}

export class ChatListPage {
  constructor(private readonly page: Page) {}

  readonly row = (title: string | RegExp) => this.page.getByRole("link", { name: title });

  async open(title: string | RegExp) {
    await this.row(title).first().click();
    await expect(this.page).toHaveURL(/\/chats\/[0-9a-f-]{36}$/);
    return new ConversationPage(this.page);
  }
}

export class ConversationPage {
  constructor(readonly page: Page) {}

  readonly composer = () => this.page.getByRole("textbox", { name: "Message" });
  readonly sendButton = () => this.page.getByRole("button", { name: "Send" });
  /** A message bubble by its text. */
  readonly message = (text: string) => this.page.getByRole("button", { name: new RegExp(escapeRegExp(text)) }).last();

  async send(text: string) {
    await this.composer().fill(text);
    await this.sendButton().click();
    await expect(this.message(text)).toBeVisible();
  }

  async openActions(text: string) {
    await this.message(text).click();
    return this.page.getByRole("dialog");
  }
}
