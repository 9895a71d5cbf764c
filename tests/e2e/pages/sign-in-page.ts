import { type Page, expect } from "@playwright/test";

export const DEMO_PASSWORD = "floorchat";

export class SignInPage {
  constructor(private readonly page: Page) {}

  readonly username = () => this.page.getByLabel("User name");
  readonly password = () => this.page.getByLabel("Password");
  readonly submit = () => this.page.getByRole("button", { name: "Sign in" });
  readonly error = () => this.page.locator("form").getByRole("alert");

  async goto() {
    await this.page.goto("/sign-in");
    await expect(this.page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  }

  async signIn(username: string, password = DEMO_PASSWORD) {
    await this.username().fill(username);
    await this.password().fill(password);
    await this.submit().click();
  }
}

export class ChatsPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "Chats", level: 1 });

  async expectLoaded() {
    await expect(this.page).toHaveURL(/\/chats$/);
    await expect(this.heading()).toBeVisible();
  }

  /** Sign-out lives on the Me screen. */
  async signOut() {
    await this.page.getByRole("link", { name: "Me", exact: true }).click();
    await this.page.getByRole("button", { name: "Sign out" }).click();
  }
}
