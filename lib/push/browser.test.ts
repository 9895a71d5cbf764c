import { describe, expect, it } from "vitest";
import { deviceLabel } from "./browser";

describe("deviceLabel", () => {
  it("names the browser and the system, so a person tells their devices apart", () => {
    expect(deviceLabel("Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36")).toBe(
      "Chrome · Android",
    );
    expect(deviceLabel("Mozilla/5.0 (Linux; Android 14; SM-A546B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36")).toBe(
      "Samsung Internet · Android",
    );
    expect(deviceLabel("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1")).toBe(
      "Safari · iPhone",
    );
    expect(deviceLabel("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0")).toBe("Firefox · Windows");
    expect(deviceLabel("curl/8")).toBe("Browser");
  });
});
