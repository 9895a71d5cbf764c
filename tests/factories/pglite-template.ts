import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { dumpMigratedPglite } from "~/db/client";

/** Where the dumped database is, for test files to start from (empty in server mode). */
export const PGLITE_TEMPLATE = "pgliteTemplate";

declare module "vitest" {
  export interface ProvidedContext {
    [PGLITE_TEMPLATE]: string;
  }
}

/**
 * Vitest global setup: on the embedded engine, migrate one in-memory PGlite and dump it, so each
 * test file's fresh database is a copy of it instead of a new initdb plus every migration (about
 * 1 s instead of 3.5 s, dozens of times per run). Each copy still runs the migrator, which finds
 * nothing to do, so a test never sees a schema the migrations would not make.
 */
export default async function setup(project: TestProject) {
  if (process.env.DATABASE_URL) {
    project.provide(PGLITE_TEMPLATE, "");
    return;
  }
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "floorchat-pglite-"));
  const file = path.join(dir, "template.tar");
  await fs.writeFile(file, Buffer.from(await (await dumpMigratedPglite()).arrayBuffer()));
  project.provide(PGLITE_TEMPLATE, file);
  return () => fs.rm(dir, { recursive: true, force: true });
}
