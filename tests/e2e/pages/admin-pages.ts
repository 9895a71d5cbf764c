import { type Page, expect } from "@playwright/test";

/** The admin screens (tokens, webhooks, CSV import, rotas), each reached from the hub. */
export class AdminHubPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "Admin", level: 1 });
  readonly link = (name: "API tokens" | "Webhooks" | "Import records" | "On-duty rotas" | "QR codes for records") =>
    this.page.getByRole("link", { name: new RegExp(`^${name}`) });
  readonly notAllowed = () => this.page.getByRole("heading", { name: "Only for admins", level: 1 });

  async goto() {
    await this.page.goto("/admin");
  }
}

export class TokensPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "API tokens", level: 1 });
  readonly create = () => this.page.getByRole("button", { name: "Create token" }).first();
  readonly name = () => this.page.getByRole("textbox", { name: "Name" });
  readonly scope = (label: string) => this.page.getByRole("checkbox", { name: new RegExp(label) });
  readonly chat = () => this.page.getByRole("combobox", { name: "Bound to a chat" });
  readonly submit = () => this.page.getByRole("button", { name: "Create token" }).last();
  readonly shownValue = () => this.page.getByTestId("shown-once-value");
  readonly copy = () => this.page.getByRole("button", { name: "Copy" });
  readonly done = () => this.page.getByRole("button", { name: "Done, I have saved it" });
  readonly list = () => this.page.getByRole("list", { name: "Tokens" });
  readonly item = (name: string) => this.list().locator(":scope > li").filter({ has: this.page.getByRole("heading", { name, exact: true }) });

  async goto() {
    await this.page.goto("/admin/tokens");
    await expect(this.heading()).toBeVisible();
  }
}

export class WebhooksPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "Webhooks", level: 1 });
  readonly add = () => this.page.getByRole("button", { name: "Add webhook" }).first();
  readonly url = () => this.page.getByRole("textbox", { name: "Receiver URL (https)" });
  readonly event = (label: string) => this.page.getByRole("checkbox", { name: new RegExp(label) });
  readonly submit = () => this.page.getByRole("button", { name: "Add webhook" }).last();
  readonly list = () => this.page.getByRole("list", { name: "Webhooks" });
  readonly item = (url: string) => this.list().locator(":scope > li").filter({ has: this.page.getByRole("heading", { name: url, exact: true }) });

  async goto() {
    await this.page.goto("/admin/webhooks");
    await expect(this.heading()).toBeVisible();
  }
}

export class ImportPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "Import records", level: 1 });
  readonly csv = () => this.page.getByRole("textbox", { name: "CSV" });
  readonly preview = () => this.page.getByRole("button", { name: "Preview" });
  readonly importButton = () => this.page.getByRole("button", { name: /^Import/ });
  readonly problems = () => this.page.getByRole("list", { name: "Problems" });
  readonly rows = () => this.page.getByRole("list", { name: "Rows" });
  readonly summary = () => this.page.getByRole("status").filter({ hasText: /to create/ });
  readonly done = () => this.page.getByRole("status").filter({ hasText: /^Imported:/ });

  async goto() {
    await this.page.goto("/admin/import");
    await expect(this.heading()).toBeVisible();
  }
}

export class RotasPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "On-duty rotas", level: 1 });
  readonly list = () => this.page.getByRole("list", { name: "Rotas" });
  readonly item = (name: string) => this.list().locator(":scope > li").filter({ has: this.page.getByRole("heading", { name, exact: true }) });
  readonly create = () => this.page.getByRole("button", { name: "New rota" });
  readonly name = () => this.page.getByRole("textbox", { name: "Name" });
  readonly group = () => this.page.getByRole("combobox", { name: "Group" });
  readonly timeZone = () => this.page.getByRole("combobox", { name: "Time zone" });
  readonly submit = () => this.page.getByRole("button", { name: "Create rota" });

  async goto() {
    await this.page.goto("/admin/rotas");
    await expect(this.heading()).toBeVisible();
  }
}

export class RotaPage {
  constructor(private readonly page: Page) {}

  readonly heading = (name: string) => this.page.getByRole("heading", { name, level: 1 });
  readonly person = () => this.page.getByRole("combobox", { name: "Person" });
  readonly day = () => this.page.getByRole("combobox", { name: "Day" });
  readonly from = () => this.page.getByLabel("From");
  readonly to = () => this.page.getByLabel("To");
  readonly add = () => this.page.getByRole("button", { name: "Add shift" });
  readonly shifts = (person: string) => this.page.getByRole("list", { name: person });
  readonly onDuty = () => this.page.getByText(/^On duty now:|^Nobody is on duty now/);
  readonly delete = () => this.page.getByRole("button", { name: "Delete rota" });
  readonly confirmDelete = () => this.page.getByRole("button", { name: "Yes, delete" });
}
