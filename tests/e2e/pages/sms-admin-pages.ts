import { type Page, expect } from "@playwright/test";

/** The admin's SMS screens (PRODUCT.md C6): contacts with their CSV import, settings, the messaging log. */
export class SmsContactsAdminPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "SMS contacts", level: 1 });
  readonly add = () => this.page.getByRole("button", { name: "Add contact" }).first();
  readonly name = () => this.page.getByRole("textbox", { name: "Name", exact: true });
  readonly phone = () => this.page.getByRole("textbox", { name: "Phone number" });
  readonly verified = () => this.page.getByRole("checkbox", { name: /^Verified/ });
  readonly recordType = () => this.page.getByRole("textbox", { name: "Record type" });
  readonly recordKey = () => this.page.getByRole("textbox", { name: "Record key" });
  readonly username = () => this.page.getByRole("textbox", { name: "User name" });
  readonly submit = () => this.page.getByRole("button", { name: "Add contact" }).last();
  readonly save = () => this.page.getByRole("button", { name: "Save", exact: true });
  readonly cancel = () => this.page.getByRole("button", { name: "Cancel" });
  readonly search = () => this.page.getByRole("searchbox", { name: "Search contacts" });
  readonly list = () => this.page.getByRole("list", { name: "Contacts" });
  readonly item = (name: string) => this.list().locator(":scope > li").filter({ has: this.page.getByRole("heading", { name, exact: true }) });
  readonly importToggle = () => this.page.getByText("Import contacts from a CSV file");
  readonly csv = () => this.page.getByRole("textbox", { name: "CSV" });
  readonly check = () => this.page.getByRole("button", { name: "Check" });
  readonly importButton = () => this.page.getByRole("button", { name: /^Import/ });
  readonly problems = () => this.page.getByRole("list", { name: "Problems" });

  async goto() {
    await this.page.goto("/admin/sms");
    await expect(this.heading()).toBeVisible();
  }

  /**
   * Types a search and waits for its answer. The list waits 250 ms for typing to stop and keeps
   * the last result on screen meanwhile, so a row found at once may be about to go: acting on it
   * then races the re-render.
   */
  async searchFor(text: string) {
    const answered = this.page.waitForResponse((response) => response.url().includes("sms.contacts") && decodeURIComponent(response.url()).includes(`"q":"${text}"`));
    await this.search().fill(text);
    await answered;
  }
}

export class SmsSettingsPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "SMS settings", level: 1 });
  readonly quiet = () => this.page.getByRole("checkbox", { name: "Hold automated SMS during a quiet window" });
  readonly day = (name: string) => this.page.getByRole("group", { name: "Days" }).getByRole("checkbox", { name, exact: true });
  readonly from = () => this.page.getByLabel("From", { exact: true });
  readonly to = () => this.page.getByLabel("To", { exact: true });
  readonly save = () => this.page.getByRole("button", { name: "Save settings" });
  readonly saved = () => this.page.getByRole("status").filter({ hasText: /^Saved\./ });

  async goto() {
    await this.page.goto("/admin/sms/settings");
    await expect(this.heading()).toBeVisible();
    await expect(this.save()).toBeVisible();
  }
}

export class SmsLogPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "Messaging log", level: 1 });
  readonly direction = () => this.page.getByRole("combobox", { name: "Direction" });
  readonly status = () => this.page.getByRole("combobox", { name: "Status" });
  readonly contact = () => this.page.getByRole("searchbox", { name: "Contact: name or number" });
  readonly automatedOnly = () => this.page.getByRole("checkbox", { name: /^Automated only/ });
  readonly list = () => this.page.getByRole("list", { name: "Messages" });
  readonly entries = () => this.list().locator(":scope > li");
  readonly download = () => this.page.getByRole("button", { name: /^Download CSV/ });
  readonly loadMore = () => this.page.getByRole("button", { name: "Load more" });

  async goto() {
    await this.page.goto("/admin/sms/log");
    await expect(this.heading()).toBeVisible();
  }
}
