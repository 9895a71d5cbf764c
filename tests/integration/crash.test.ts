import { describe, expect, it } from "vitest";
import { spawnTs, waitForExit } from "../factories/process";

describe("an error nobody handled", () => {
  it.each([
    ["throw", "uncaughtException", "boom from a timer"],
    ["reject", "unhandledRejection", "boom from a promise"],
  ])("(%s) is logged with its stack and the process exits non-zero", async (how, kind, message) => {
    const { code, stderr } = await waitForExit(spawnTs("tests/fixtures/crash.mts", [how]));
    expect(code).toBe(1);
    expect(stderr).toContain(`[floorchat] ${kind}`);
    expect(stderr).toContain(message);
    expect(stderr).toMatch(/at .*crash\.mts/);
  });
});
