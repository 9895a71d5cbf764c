/**
 * App instances started by a benchmark: what `npm start` runs (`node dist/server/main.mjs`, the
 * production build, built first if missing or stale) on loopback ports 3400–3499, stopped with
 * SIGTERM (then SIGKILL) however the benchmark ends.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { SERVER_BUNDLE } from "~/scripts/build-server.mjs";
import { ensureBuild } from "~/scripts/ensure-build.mjs";

export const PORT_RANGE = { first: 3400, last: 3499 } as const;

export type Instance = {
  index: number;
  port: number;
  inspectPort: number | undefined;
  child: ChildProcess;
  pid: number;
  /** Everything the process printed (bounded), for error messages. */
  output(): string;
  /** Log lines the instance wrote on stderr ("[hub] routing failed…"), counted, the first few kept. */
  errors(): { count: number; first: string[] };
};

export function profileDir(root: string, index: number): string {
  return path.join(root, `instance-${index}`);
}

/** The busiest profile an instance wrote (its main thread), or null. */
export function mainThreadProfile(root: string, index: number): string | null {
  const dir = profileDir(root, index);
  if (!fs.existsSync(dir)) return null;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => path.join(dir, f));
  files.sort((a, b) => fs.statSync(b).size - fs.statSync(a).size);
  return files[0] ?? null;
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** `count` free loopback ports in 3400–3499, starting at a random offset so parallel runs rarely collide. */
export async function freePorts(count: number, taken: ReadonlySet<number> = new Set()): Promise<number[]> {
  const size = PORT_RANGE.last - PORT_RANGE.first + 1;
  const start = Math.floor(Math.random() * size);
  const ports: number[] = [];
  for (let i = 0; i < size && ports.length < count; i++) {
    const port = PORT_RANGE.first + ((start + i) % size);
    if (!taken.has(port) && (await isPortFree(port))) ports.push(port);
  }
  if (ports.length < count) throw new Error(`only ${ports.length} free ports in ${PORT_RANGE.first}–${PORT_RANGE.last}`);
  return ports;
}

export type StartOptions = {
  count: number;
  /** The script each process runs; default the app's server bundle (what `npm start` runs). */
  entry?: string;
  /** Listen on these ports (one per instance) instead of free ones from the range. */
  ports?: number[];
  env: Record<string, string>;
  /** Write a V8 CPU profile of each instance into this directory when it exits. */
  cpuProfileDir?: string;
  /** Open the DevTools inspector of each instance on a loopback port of the range (see inspect.ts). */
  inspect?: boolean;
  /** More node options for every instance (before the entry point). */
  nodeArgs?: string[];
  /** Raise the open-file limit of each instance to this (prlimit; needs the privilege). */
  maxFiles?: number;
  timeoutMs?: number;
};

const started = new Set<Instance>();
let built: Promise<void> | null = null;

/** The production build `npm start` would run, built once per benchmark if missing or stale. */
export function ensureBuilt(): Promise<void> {
  built ??= ensureBuild();
  return built;
}

export async function startInstances(options: StartOptions): Promise<Instance[]> {
  if (!options.entry) await ensureBuilt();
  const ports = options.ports ?? (await freePorts(options.count));
  const inspectPorts = options.inspect ? await freePorts(options.count, new Set(ports)) : [];
  const instances = ports.map((port, index) => {
    const inspectPort = inspectPorts[index];
    // One directory per instance: worker threads write profiles of their own beside the main thread's.
    const nodeArgs = options.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir(options.cpuProfileDir, index)}`] : [];
    if (inspectPort) nodeArgs.push(`--inspect=127.0.0.1:${inspectPort}`);
    const child = spawn(process.execPath, [...nodeArgs, ...(options.nodeArgs ?? []), options.entry ?? SERVER_BUNDLE], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        HOST: "127.0.0.1",
        PORT: String(port),
        PUBLIC_URL: `http://127.0.0.1:${port}`,
        ...options.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const errors: string[] = [];
    let errorCount = 0;
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", (chunk: Buffer) => {
      keep(chunk);
      for (const line of chunk.toString().split("\n")) {
        if (!line.startsWith("[")) continue;
        errorCount++;
        if (errors.length < 5) errors.push(line.slice(0, 300));
      }
    });
    const instance: Instance = { index, port, inspectPort, child, pid: child.pid!, output: () => output, errors: () => ({ count: errorCount, first: errors }) };
    started.add(instance);
    child.once("exit", () => started.delete(instance));
    if (options.maxFiles && fileLimit(child.pid) < options.maxFiles) raiseFileLimit(child.pid!, options.maxFiles);
    return instance;
  });
  await Promise.all(instances.map((instance) => waitHealthy(instance, options.timeoutMs ?? 180_000)));
  return instances;
}

/** Polls /api/health until 200; fails at once if the process exits. */
async function waitHealthy(instance: Instance, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (instance.child.exitCode !== null) throw new Error(`instance ${instance.index} exited (${instance.child.exitCode}):\n${instance.output()}`);
    const healthy = await fetch(`http://127.0.0.1:${instance.port}/api/health`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (healthy) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`instance ${instance.index} not healthy within ${timeoutMs / 1000} s:\n${instance.output()}`);
}

export async function stopInstance(instance: Instance, graceMs = 10_000): Promise<void> {
  const { child } = instance;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Stops every instance this process started that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((instance) => stopInstance(instance)));
}

/** Last resort for a crash or Ctrl-C of the benchmark: never leave a server behind. */
export function killAllSync(): void {
  for (const instance of started) {
    try {
      instance.child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

export function raiseFileLimit(pid: number, limit: number): string | null {
  try {
    execFileSync("prlimit", ["--pid", String(pid), `--nofile=${limit}:${limit}`], { stdio: "pipe" });
    return null;
  } catch (error) {
    return (error as { stderr?: Buffer }).stderr?.toString().trim() || (error as Error).message;
  }
}

export function fileLimit(pid: number | "self" = "self"): number {
  const limits = fs.readFileSync(`/proc/${pid}/limits`, "utf8");
  const line = limits.split("\n").find((l) => l.startsWith("Max open files"));
  return Number(line?.split(/\s+/)[3] ?? NaN);
}

/** Resident memory of a process in KiB (VmRSS), and its peak (VmHWM). */
export function rssKb(pid: number | "self"): { rss: number; peak: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN);
  return { rss: field("VmRSS"), peak: field("VmHWM") };
}

const CLOCK_TICKS = 100;

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number | "self"): number {
  const { user, system } = cpuSplit(pid);
  return user + system;
}

/**
 * A process's CPU seconds in user space and in the kernel. On loopback the kernel time of a
 * sender includes delivering the packet to its peer (PostgreSQL, Redis, a stream's reader).
 */
export function cpuSplit(pid: number | "self"): { user: number; system: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { user: Number(fields[11]) / CLOCK_TICKS, system: Number(fields[12]) / CLOCK_TICKS };
}

/**
 * CPU seconds used by all processes whose command name matches (postgres, redis-server),
 * including children that have exited (a backend's time moves to the postmaster's cutime).
 */
export function cpuSecondsOf(comm: string): number {
  let total = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/comm`, "utf8").trim() !== comm) continue;
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
    } catch {
      // exited meanwhile
    }
  }
  return total;
}

export function cores(): number {
  return os.cpus().length;
}
