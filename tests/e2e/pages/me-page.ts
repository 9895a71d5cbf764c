import { createECDH, randomBytes } from "node:crypto";
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
  readonly pushHeading = () => this.page.getByRole("heading", { name: "Notifications on this device", level: 3 });
  readonly devices = () => this.page.getByRole("list", { name: "My devices" });
  readonly device = (label: string) => this.devices().getByRole("listitem").filter({ hasText: label });
  readonly noDevices = () => this.page.getByText("No device gets notifications yet.");
  readonly showText = () => this.page.getByRole("switch", { name: "Show message text in notifications" });

  async goto() {
    await this.page.goto("/settings");
    await expect(this.heading()).toBeVisible();
    await expect(this.profile()).toBeVisible();
  }

  /**
   * Subscribes a device for the signed-in person through the app's API, as the Enable button does
   * after the browser subscribed (the e2e browser has no push service to subscribe with).
   */
  async subscribeDevice(label: string) {
    const ecdh = createECDH("prime256v1");
    ecdh.generateKeys();
    const input = {
      endpoint: `https://127.0.0.1:9/push/e2e-${randomBytes(8).toString("hex")}`,
      keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: randomBytes(16).toString("base64url") },
      label,
    };
    const response = await this.page.request.post("/api/trpc/push.subscribe", { data: { json: input } });
    expect(response.status(), await response.text()).toBe(200);
  }

  /** Flips "show message text" and waits until the server has saved it. */
  async toggleShowText() {
    const saved = this.page.waitForResponse((response) => response.url().includes("push.setHideText") && response.ok());
    await this.showText().click();
    await saved;
  }

  /** Chooses a status and an optional text, saves, and waits for the confirmation. */
  async setStatus(name: StatusName, text = "") {
    await this.status(name).check();
    await this.statusText().fill(text);
    await this.saveStatus().click();
    await expect(this.saved()).toBeVisible();
  }
}
