import { mkdtemp, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs config without types, the one eslint.config.mjs applies.
import { SERVER_COMPONENTS, architecture } from "~/eslint.architecture.config.mjs";

const ROOT = path.resolve(import.meta.dirname, "../..");

/** The layer rules alone, on a file that need not exist (the type-aware rules are not in play). */
const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: true,
  overrideConfig: [{ plugins: { "@typescript-eslint": tseslint.plugin }, languageOptions: { parser: tseslint.parser } }, ...(architecture as object[])],
});

/** The rules that fire for `code` as if it were the file at `filePath`. */
async function fired(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(ROOT, filePath) });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

const RESTRICTED = "@typescript-eslint/no-restricted-imports";

// Loading the parser and the import resolver takes seconds, many on a busy machine: done once,
// here, rather than inside the first test's time limit.
beforeAll(() => fired("lib/x.ts", "export {};"), 180_000);

/**
 * ARCHITECTURE.md's arrows, as lint: each case is an import in a layer that must not make it
 * (refused), beside the same kind of import where it is allowed (accepted), so a rule that
 * stops matching fails here rather than silently letting the wrong way through.
 */
describe("the layer rules refuse wrong-way imports", () => {
  it.each([
    ["components/chats/x.tsx", 'import { appRouter } from "~/server/api/root";'],
    ["components/chats/x.tsx", 'import type { MessageDto } from "~/server/realtime/events";'],
    ["lib/chat/x.ts", 'import { db } from "../../db/client";'],
    ["lib/chat/x.ts", 'import { users } from "~/db/schema";'],
  ])("browser code %s may not import the server or the database: %s", async (file, code) => {
    expect(await fired(file, code)).toContain(RESTRICTED);
  });

  it("lets browser code take server types through contracts/", async () => {
    expect(await fired("components/chats/x.tsx", 'import type { MessageDto } from "~/contracts/messages";')).toEqual([]);
    expect(await fired("lib/trpc/x.ts", 'import type { AppRouter } from "~/contracts/api";')).toEqual([]);
  });

  it("lets the server components call the server", async () => {
    for (const file of SERVER_COMPONENTS as string[]) expect(await fired(file, 'import { getSessionActor } from "~/server/api/session";')).toEqual([]);
  });

  it.each([
    ['import { x } from "~/server/services/message/send";'],
    ['import { useState } from "react";'],
    ['import { readFile } from "node:fs/promises";'],
    ['import { wire } from "~/lib/trpc/wire";'],
  ])("contracts/ depends on nothing of either side: %s", async (code) => {
    expect(await fired("contracts/x.ts", code)).toContain(RESTRICTED);
  });

  it("lets contracts/api.ts take the router's type, and only its type", async () => {
    expect(await fired("contracts/api.ts", 'import type { AppRouter } from "~/server/api/root";')).toEqual([]);
    expect(await fired("contracts/api.ts", 'import { appRouter } from "~/server/api/root";')).toContain(RESTRICTED);
  });

  it.each([['import { db } from "~/db/client";'], ['import { eq } from "drizzle-orm";'], ['import { users } from "../../../db/schema";']])(
    "routers never touch the database: %s",
    async (code) => {
      expect(await fired("server/api/routers/x.ts", code)).toContain(RESTRICTED);
      expect(await fired("server/rest/x.ts", code)).toContain(RESTRICTED);
    },
  );

  it.each([['import { sendMessage } from "~/server/services/message/send";'], ['import { appRouter } from "~/server/api/root";']])(
    "the database layer never calls up into the server: %s",
    async (code) => {
      expect(await fired("db/x.ts", code)).toContain(RESTRICTED);
    },
  );

  it("lets services name realtime's types but not call it, nor know their callers", async () => {
    expect(await fired("server/services/x.ts", 'import type { Envelope } from "~/server/realtime/envelope";')).toEqual([]);
    expect(await fired("server/services/x.ts", 'import { RealtimeHub } from "~/server/realtime/hub";')).toContain(RESTRICTED);
    expect(await fired("server/services/x.ts", 'import { authedProcedure } from "~/server/api/trpc";')).toContain(RESTRICTED);
    expect(await fired("server/services/x.ts", 'import { NextResponse } from "next/server";')).toContain(RESTRICTED);
  });
});

describe("the cycle rule", () => {
  let dir: string;

  beforeAll(async () => {
    // Files on disk: the rule follows imports through the resolver. Inside the project so the
    // config's globs apply; removed afterwards.
    dir = await mkdtemp(path.join(ROOT, "lib", ".lint-cycle-"));
    await writeFile(path.join(dir, "a.ts"), 'import { b } from "./b";\nexport const a = () => b;\n');
    await writeFile(path.join(dir, "b.ts"), 'import { a } from "./a";\nexport const b = () => a;\n');
    await writeFile(path.join(dir, "c.ts"), 'import { a } from "./a";\nexport const c = () => a;\n');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("refuses two modules that import each other, and lets a one-way import through", async () => {
    const [cyclic, oneWay] = await eslint.lintFiles([path.join(dir, "a.ts"), path.join(dir, "c.ts")]);
    expect(cyclic?.messages.map((m) => m.ruleId)).toContain("import-x/no-cycle");
    expect(oneWay?.messages.map((m) => m.ruleId)).toEqual([]);
  });
});
