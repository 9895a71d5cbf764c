/**
 * Summarises a V8 CPU profile (`node --cpu-prof`): self time per function and per package.
 * Also runnable on its own: `npx tsx bench/lib/profile.ts file.cpuprofile [top]`.
 */
import fs from "node:fs";
import { SourceMap } from "node:module";
import path from "node:path";
import { table } from "./stats";

type CallFrame = { functionName: string; url: string; lineNumber: number; columnNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number };

function where(url: string): string {
  if (!url) return "";
  const clean = url.replace(/^file:\/\//, "");
  const modules = clean.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const rest = clean.slice(modules + "/node_modules/".length).split("/");
    return rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  if (clean.startsWith("node:")) return "node (core)";
  const root = process.cwd() + path.sep;
  if (clean.includes("/.next/")) return ".next (app bundle)";
  return clean.startsWith(root) ? clean.slice(root.length) : clean;
}

const sourceMaps = new Map<string, SourceMap | null>();

/**
 * A frame of a bundle (dist/server/main.mjs) moved to the source it was built from, when the
 * bundle's .map is beside it, so profiles of what `npm start` runs name server/*.ts lines.
 */
function original(frame: CallFrame): CallFrame {
  const file = frame.url.replace(/^file:\/\//, "");
  if (!file.endsWith(".mjs")) return frame;
  if (!sourceMaps.has(file)) {
    const map = `${file}.map`;
    sourceMaps.set(file, fs.existsSync(map) ? new SourceMap(JSON.parse(fs.readFileSync(map, "utf8")) as ConstructorParameters<typeof SourceMap>[0]) : null);
  }
  const entry = sourceMaps.get(file)?.findEntry(frame.lineNumber, frame.columnNumber);
  if (!entry || !("originalSource" in entry)) return frame;
  return {
    ...frame,
    url: path.resolve(path.dirname(file), entry.originalSource),
    lineNumber: entry.originalLine,
    columnNumber: entry.originalColumn,
  };
}

/** Now on the clock V8 stamps profiles with (CLOCK_MONOTONIC, µs), comparable across processes. */
export function monotonicUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** `window`: only samples taken between these monotonic times (µs), e.g. the load phase. */
export function summariseProfile(file: string, top = 25, window?: { fromUs: number; toUs: number }): string {
  const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, { ...node, callFrame: original(node.callFrame) }]));
  const selfUs = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window.fromUs || at > window.toUs)) continue;
    const id = profile.samples[i]!;
    selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
  }
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
  const functions = new Map<string, number>();
  const packages = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === "(idle)") idle += us;
    const name = frame.functionName || "(anonymous)";
    const origin = where(frame.url);
    const key = origin ? `${name}  ${origin}:${frame.lineNumber + 1}` : name;
    functions.set(key, (functions.get(key) ?? 0) + us);
    const pkg = origin ? origin.split(":")[0]! : name;
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
  }
  // Inclusive time of the project's own functions: what a request or a delivery costs in all.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let node: number | undefined = id; node !== undefined; node = parent.get(node)) {
      const frame = byId.get(node)!.callFrame;
      const origin = where(frame.url);
      if (!/^(server|db|app|lib)\//.test(origin)) continue;
      const key = `${frame.functionName || "(anonymous)"}  ${origin}:${frame.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + us);
    }
  }
  const busy = total - idle;
  const pct = (us: number) => `${((100 * us) / busy).toFixed(1)}%`;
  const sorted = (map: Map<string, number>) => [...map].filter(([k]) => k !== "(idle)").sort((a, b) => b[1] - a[1]);
  const lines = [
    `${path.basename(file)}${window ? " (load phase only)" : ""}: ${(total / 1e6).toFixed(1)} s profiled, ${(busy / 1e6).toFixed(1)} s busy (${((100 * busy) / total).toFixed(0)}%); shares below are of busy time`,
    "",
    table([["self time", "share", "function  location"], ...sorted(functions).slice(0, top).map(([k, us]) => [`${(us / 1000).toFixed(0)} ms`, pct(us), k])]),
    "",
    table([["self time", "share", "package / file"], ...sorted(packages).slice(0, 15).map(([k, us]) => [`${(us / 1000).toFixed(0)} ms`, pct(us), k])]),
    "",
    table([["total time", "share", "project function (self + callees)"], ...sorted(inclusive).slice(0, 20).map(([k, us]) => [`${(us / 1000).toFixed(0)} ms`, pct(us), k])]),
  ];
  return lines.join("\n");
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    console.error("usage: npx tsx bench/lib/profile.ts <file.cpuprofile> [top]");
    process.exit(2);
  }
  console.log(summariseProfile(file, top ? Number(top) : 25));
}
