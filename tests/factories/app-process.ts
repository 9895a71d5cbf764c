import { type ChildProcess, spawn } from "node:child_process";
import https from "node:https";
import net from "node:net";
import { type Wire, deserialize, serialize } from "~/lib/trpc/wire";

/**
 * A real app process (server/main.ts) started by a test, on a port of its own. `ca`: it serves
 * https (TLS_CERT/TLS_KEY in its env), and this authority is the only one its callers trust.
 */
export type AppProcess = { port: number; origin: string; child: ChildProcess; output: () => string; ca?: string };

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

/** Free loopback ports in 3400–3499 (the range set aside for app processes started by tests). */
export async function freePorts(count: number): Promise<number[]> {
  const start = Math.floor(Math.random() * 100);
  const ports: number[] = [];
  for (let i = 0; i < 100 && ports.length < count; i++) {
    const port = 3400 + ((start + i) % 100);
    if (await isPortFree(port)) ports.push(port);
  }
  if (ports.length < count) throw new Error("no free ports in 3400–3499");
  return ports;
}

/**
 * Starts server/main.ts on `port`. PUBLIC_URL is the instance's own origin unless `env` names
 * another: instances behind a proxy are told the proxy's address, as a deployment tells them.
 */
export function startApp(port: number, env: Record<string, string>, options: { ca?: string } = {}): AppProcess {
  const origin = `${options.ca ? "https" : "http"}://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], {
    cwd: process.cwd(),
    env: { ...process.env, ...env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(port), PUBLIC_URL: env.PUBLIC_URL ?? origin },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-10_000));
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  return { port, origin, child, output: () => output, ca: options.ca };
}

/** The status of a GET over https trusting `ca` alone (fetch cannot be given an authority); 0 if it fails. */
function httpsStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve) => {
    const request = https.get(url, { ca }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", () => resolve(0));
  });
}

/** Polls /api/health until it answers 200 (bounded; fails at once if the process exits). */
export async function waitHealthy(app: AppProcess, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null) throw new Error(`app on ${app.port} exited with ${app.child.exitCode}:\n${app.output()}`);
    const url = `${app.origin}/api/health`;
    const status = app.ca
      ? await httpsStatus(url, app.ca)
      : await fetch(url).then(
          (r) => r.status,
          () => 0,
        );
    if (status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`app on ${app.port} not healthy within ${timeoutMs / 1000} s:\n${app.output()}`);
}

export async function stopApp(app: AppProcess): Promise<void> {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => app.child.once("exit", () => resolve()));
  app.child.kill("SIGTERM");
  const kill = setTimeout(() => app.child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(kill);
}

export async function signIn(app: AppProcess, username: string, password: string): Promise<string> {
  const response = await fetch(`${app.origin}/api/auth/sign-in/username`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.origin },
    body: JSON.stringify({ username, password }),
  });
  if (response.status !== 200) throw new Error(`sign-in of ${username} failed: ${response.status} ${await response.text()}`);
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(";", 1)[0])
    .join("; ");
}

/** Calls a tRPC procedure over HTTP as the browser client does (lib/trpc/wire.ts on the wire). */
export async function trpc<T>(app: AppProcess, cookie: string, path: string, input: unknown): Promise<T> {
  const response = await fetch(`${app.origin}/api/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify(serialize(input)),
  });
  const body = (await response.json()) as { result?: { data: Wire }; error?: unknown };
  if (response.status !== 200 || !body.result) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body.error)}`);
  return deserialize(body.result.data) as T;
}

/** Runs `scripts/<script>.mts` as an operator would (npm run …), to its end: exit code and output. */
export function runScript(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", `scripts/${script}.mts`, ...args], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.once("exit", (code) => resolve({ code, out })));
}
