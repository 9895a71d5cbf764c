import { PRESENTATION, expect, test } from "./test";
import { accessibilityViolations, horizontalOverflow, keepScreenshots, smallTargets } from "./pages/checks";
import { ConversationPage, personaPage } from "./pages/conversation-page";
import { ApiPersona } from "./pages/manager-page";
import { SearchPage, trpcQuery } from "./pages/search-page";

const letters = () => Array.from({ length: 6 }, () => String.fromCharCode(97 + Math.floor(Math.random() * 26))).join("");

test.describe("message search (phone)", () => {
  test("search for a word from an earlier message and jump to it", async ({ browser, playwright, baseURL }) => {
    // Sixty sends through one embedded database that the other worker's tests share: more than
    // the default minute on a loaded two-core machine, though nothing waits on a clock.
    test.slow();
    const picker = await personaPage(browser, "picker");
    const [company] = await trpcQuery<{ id: string; kind: string }[]>(picker.request, "chat.list");
    expect(company!.kind).toBe("company");
    const word = `paletowiec${letters()}`;
    const picked = new ApiPersona(picker.request);
    await picked.send(company!.id, `Żółty wózek: ${word} stoi przy rampie 3`);
    // More than a page of later messages (the conversation loads 50), so the one searched for
    // is far back in history. Several senders: each stays under the send rate limit.
    const others = await Promise.all(["manager", "manager2", "picker2", "driver", "admin"].map((name) => ApiPersona.signedIn(playwright, baseURL!, name)));
    for (let i = 0; i < 11; i++) await Promise.all(others.map((other, j) => other.send(company!.id, `Filler ${i}-${j}: dock ${i} clear`)));
    await Promise.all(others.map((other) => other.dispose()));

    const search = new SearchPage(picker);
    await search.openFromChats();
    await expect(search.searchbox()).toBeFocused();
    await search.search(word.slice(0, -3).toUpperCase());
    const result = search.result(word);
    await expect(result).toHaveCount(1);
    await expect(result.locator("mark")).toHaveText(word.slice(0, -3));
    await expect(result).toContainText("Piotr Picker");

    await result.click();
    await expect(picker).toHaveURL(new RegExp(`/chats/${company!.id}\\?at=\\d+$`));
    const highlighted = picker.locator("li[data-highlighted='true']");
    await expect(highlighted).toContainText(word);
    await expect(highlighted).toBeInViewport();
    // Live updates still arrive after the jump, and Back returns to the same results.
    await picked.send(company!.id, `After the jump ${word}`);
    await expect(new ConversationPage(picker).message(`After the jump ${word}`)).toBeAttached();
    await picker.goBack();
    await expect(search.searchbox()).toHaveValue(word.slice(0, -3).toUpperCase());
    await expect(search.result(word).first()).toBeVisible();
  });

  for (const colorScheme of ["light", "dark"] as const) {
    test(`the search screen passes axe, its controls are 48 px targets and it fits a phone, with the filters open too (${colorScheme})`, PRESENTATION, async ({ browser }, testInfo) => {
      const page = await personaPage(browser, "picker", { colorScheme });
      // A word of this test's own: other tests' messages (some with photos) must not change what it finds.
      const word = `rampa${letters()}`;
      const [company] = await trpcQuery<{ id: string; kind: string }[]>(page.request, "chat.list");
      const picked = new ApiPersona(page.request);
      for (const dock of [1, 2, 3]) await picked.send(company!.id, `${word} ${dock} is clear`);
      const search = new SearchPage(page);
      if (colorScheme === "light") await keepScreenshots(page, testInfo, "chats-with-search");
      await search.openFromChats();
      await search.search(word);
      await expect(search.results().getByRole("link").first()).toBeVisible();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await keepScreenshots(page, testInfo, `search-results-${colorScheme}`);
      await search.filtersToggle().click();
      await expect(search.filtersToggle()).toHaveAttribute("aria-expanded", "true");
      await page.getByRole("checkbox", { name: "Has a file" }).check();
      await expect(search.filtersToggle()).toContainText("1 filter on");
      await expect(page.getByRole("heading", { name: `No messages match “${word}”` })).toBeVisible();
      expect(await accessibilityViolations(page)).toEqual([]);
      expect(await smallTargets(page)).toEqual([]);
      expect(await horizontalOverflow(page)).toBeLessThanOrEqual(0);
      await keepScreenshots(page, testInfo, `search-filters-${colorScheme}`);
      await page.context().close();
    });
  }
});
