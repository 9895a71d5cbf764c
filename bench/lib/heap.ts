/**
 * A heap snapshot of a running instance (started with `--heapsnapshot-signal=SIGUSR2`), taken
 * after a full GC by V8, summarised by constructor: where the JS memory of the streams goes.
 */
import fs from "node:fs";
import path from "node:path";
import { sleep, table } from "./stats";

export const HEAP_SNAPSHOT_SIGNAL = "SIGUSR2";

export function heapSnapshotArgs(dir: string): string[] {
  return [`--heapsnapshot-signal=${HEAP_SNAPSHOT_SIGNAL}`, `--diagnostic-dir=${dir}`];
}

/** Signals the process and waits (bounded) until its snapshot file is complete. */
export async function takeHeapSnapshot(pid: number, dir: string, timeoutMs = 180_000): Promise<string> {
  const before = new Set(fs.readdirSync(dir));
  process.kill(pid, HEAP_SNAPSHOT_SIGNAL);
  const deadline = Date.now() + timeoutMs;
  let lastSize = -1;
  while (Date.now() < deadline) {
    await sleep(500);
    const file = fs.readdirSync(dir).find((f) => f.endsWith(".heapsnapshot") && !before.has(f) && f.includes(`.${pid}.`));
    if (!file) continue;
    const full = path.join(dir, file);
    const size = fs.statSync(full).size;
    // The writer ends the JSON with "]}" (strings array, then the object) once it is done.
    if (size === lastSize && size > 0) {
      const fd = fs.openSync(full, "r");
      const tail = Buffer.alloc(16);
      fs.readSync(fd, tail, 0, 16, Math.max(0, size - 16));
      fs.closeSync(fd);
      if (tail.toString().trimEnd().endsWith("}")) return full;
    }
    lastSize = size;
  }
  throw new Error(`no heap snapshot from ${pid} within ${timeoutMs / 1000} s`);
}

type Snapshot = {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
};

export type HeapGroups = Map<string, { count: number; bytes: number }>;

/** Self size per kind and constructor (objects, closures) or kind alone (strings, code, arrays). */
export function readHeapGroups(file: string): { groups: HeapGroups; totalBytes: number } {
  const snapshot = JSON.parse(fs.readFileSync(file, "utf8")) as Snapshot;
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const groups: HeapGroups = new Map();
  let totalBytes = 0;
  for (let i = 0; i < snapshot.nodes.length; i += width) {
    const type = types[snapshot.nodes[i + typeAt]!]!;
    const size = snapshot.nodes[i + sizeAt]!;
    totalBytes += size;
    const name = type === "object" || type === "closure" || type === "native" ? snapshot.strings[snapshot.nodes[i + nameAt]!]! : "";
    const key = `${type}${name ? ` ${name.slice(0, 60)}` : ""}`;
    const group = groups.get(key) ?? { count: 0, bytes: 0 };
    group.count++;
    group.bytes += size;
    groups.set(key, group);
  }
  return { groups, totalBytes };
}

/** What grew between two snapshots, largest first, per stream. */
export function heapGrowth(before: HeapGroups, after: HeapGroups, streams: number, top = 15): string {
  const rows = [...after]
    .map(([key, g]) => {
      const b = before.get(key) ?? { count: 0, bytes: 0 };
      return { key, count: g.count - b.count, bytes: g.bytes - b.bytes };
    })
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top);
  return table([
    ["kind / constructor (growth)", "count", "MB", "bytes per stream"],
    ...rows.map((r) => [r.key, r.count, (r.bytes / 1024 / 1024).toFixed(1), Math.round(r.bytes / streams)]),
  ]);
}
