import { type Page, expect } from "@playwright/test";

export class ScanPage {
  constructor(private readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "Scan", level: 1 });
  readonly code = () => this.page.getByRole("textbox", { name: "Code", exact: true });
  readonly openChat = () => this.page.getByRole("button", { name: "Open chat" });
  readonly camera = () => this.page.getByRole("region", { name: "Camera" });
  readonly cameraHint = () => this.camera().getByRole("status");
  readonly cameraProblem = () => this.camera().getByRole("alert");
  readonly notFound = (code: string) => this.page.getByRole("heading", { level: 2, name: `Nothing found for “${code}”` });
  readonly createRecord = () => this.page.getByRole("button", { name: "Create record" });
  readonly recordType = () => this.page.getByRole("combobox", { name: "Type" });
  readonly recordTitle = () => this.page.getByRole("textbox", { name: "Title" });
  readonly createAndOpen = () => this.page.getByRole("button", { name: "Create and open chat" });

  async goto() {
    await this.page.goto("/scan");
    await expect(this.heading()).toBeVisible();
    await expect(this.code()).toBeEditable();
  }

  async typeCode(code: string) {
    await this.code().fill(code);
    await this.openChat().click();
  }
}

/** The open conversation's title: a record's chat is called "<key> · <title>". */
export function conversationTitle(page: Page) {
  return page.getByRole("heading", { level: 1 });
}

export const CHAT_URL = /\/chats\/[0-9a-f-]{36}$/;

/** Makes every camera request of the page fail as a browser does when the person said no. */
export async function denyCamera(page: Page) {
  await page.addInitScript(() => {
    const deny = () => Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
    if (navigator.mediaDevices) Object.defineProperty(navigator.mediaDevices, "getUserMedia", { value: deny, configurable: true });
  });
}

/** Every request the page makes to a host other than this machine. */
export function recordExternalRequests(page: Page): string[] {
  const external: string[] = [];
  page.context().on("request", (request) => {
    const url = new URL(request.url());
    if ((url.protocol === "http:" || url.protocol === "https:") && !["localhost", "127.0.0.1", "[::1]"].includes(url.hostname)) {
      external.push(request.url());
    }
  });
  return external;
}

/** The codes the page asked the server to resolve, in order. */
export function recordResolvedCodes(page: Page): string[] {
  const codes: string[] = [];
  page.on("request", (request) => {
    if (!request.url().includes("/api/trpc/") || !request.url().includes("entity.resolve")) return;
    // httpBatchLink posts {"0":{"json":{"code":"…"}}, …}.
    const body = request.postDataJSON() as Record<string, { json?: { code?: string } }> | null;
    for (const call of Object.values(body ?? {})) if (call.json?.code) codes.push(call.json.code);
  });
  return codes;
}
