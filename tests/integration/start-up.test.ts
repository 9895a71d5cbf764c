import { describe, expect, it } from "vitest";
import { spawnTs, waitForExit } from "../factories/process";

describe("start-up configuration", () => {
  it("stops with one line naming PORT when PORT is invalid", async () => {
    const result = await waitForExit(spawnTs("server/main.ts", [], { PORT: "abc" }));
    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split("\n").filter((line) => !line.startsWith("npm warn"));
    expect(lines).toEqual(['[floorchat] Invalid configuration: PORT must be a whole number between 1 and 65535 (got "abc")']);
  });
});
