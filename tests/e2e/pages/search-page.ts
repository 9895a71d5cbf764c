import { type APIRequestContext, type Page, expect } from "@playwright/test";

type TrpcResult<T> = { result: { data: { json: T } } };

/** A tRPC query over HTTP with the cookies of `request` (page.request: the page's own user). */
export async function trpcQuery<T>(request: APIRequestContext, path: string, input?: unknown): Promise<T> {
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  const response = await request.get(`/api/trpc/${path}${query}`);
  expect(response.status(), await response.text()).toBe(200);
  return ((await response.json()) as TrpcResult<T>).result.data.json;
}

/** Message search (PRODUCT.md M8). */
export class SearchPage {
  constructor(readonly page: Page) {}

  readonly heading = () => this.page.getByRole("heading", { name: "Search", level: 1 });
  readonly searchbox = () => this.page.getByRole("searchbox", { name: "Search messages" });
  readonly filtersToggle = () => this.page.getByRole("button", { name: /^Filters/ });
  readonly results = () => this.page.getByRole("list", { name: "Messages found" });
  /** A result by text it shows (its snippet, chat title or sender). */
  readonly result = (text: string) => this.results().getByRole("link").filter({ hasText: text });

  /** From the chat list's header, as a person would. */
  async openFromChats() {
    await this.page.getByRole("link", { name: "Search", exact: true }).click();
    await expect(this.page).toHaveURL(/\/search$/);
    await expect(this.heading()).toBeVisible();
  }

  async search(text: string) {
    await this.searchbox().fill(text);
  }
}
