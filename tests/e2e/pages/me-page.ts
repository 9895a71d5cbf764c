import { type Page, expect } from "@playwright/test";

export type StatusName = "Available" | "Busy" | "Away" | "Invisible" | "Unavailable";

export class MePage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "Me", level: 1 });
  readonly profile = () => this.page.getByTestId("my-profile");
  readonly status = (name: StatusName) => this.page.getByRole("radio", { name, exact: true });
  readonly statusText = () => this.page.getByRole("textbox", { name: "Status text" });
  readonly saveStatus = () => this.page.getByRole("button", { name: "Save status" });
  readonly saved = () => this.page.getByRole("status").filter({ hasText: "Status saved" });
  readonly sound = () => this.page.getByRole("switch", { name: "Sound on new messages" });
  readonly signOut = () => this.page.getByRole("button", { name: "Sign out", exact: true });
  readonly quickRepliesHeading = () => this.page.getByRole("heading", { name: "Quick replies", level: 2 });
  readonly myReplies = () => this.page.getByRole("list", { name: "Your quick replies" });
  readonly sharedReplies = () => this.page.getByRole("list", { name: "Shared with all managers" });
  readonly newReply = () => this.page.getByRole("textbox", { name: "New quick reply" });
  readonly addReply = () => this.page.getByRole("button", { name: "Add quick reply" });

  async goto() {
    await this.page.goto("/settings");
    await expect(this.heading()).toBeVisible();
    await expect(this.profile()).toBeVisible();
  }

  /** Chooses a status and an optional text, saves, and waits for the confirmation. */
  async setStatus(name: StatusName, text = "") {
    await this.status(name).check();
    await this.statusText().fill(text);
    await this.saveStatus().click();
    await expect(this.saved()).toBeVisible();
  }
}
