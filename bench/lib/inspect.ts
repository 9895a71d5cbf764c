/**
 * Evaluates an expression in a running instance (started with `--inspect=127.0.0.1:<port>`),
 * e.g. a full GC and its `process.memoryUsage()`, over the DevTools protocol. Node 20 has no WebSocket client without
 * a flag, so a tiny helper process with `--experimental-websocket` does the talking.
 */
import { execFile } from "node:child_process";

export type MemoryUsage = { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };

const HELPER = `
const [url, collect, expression] = process.argv.slice(1);
const ws = new WebSocket(url);
let id = 0;
const pending = new Map();
const call = (method, params = {}) => new Promise((resolve, reject) => {
  const n = ++id;
  pending.set(n, { resolve, reject });
  ws.send(JSON.stringify({ id: n, method, params }));
});
ws.onmessage = (m) => {
  const msg = JSON.parse(m.data);
  const p = pending.get(msg.id);
  if (!p) return;
  pending.delete(msg.id);
  msg.error ? p.reject(new Error(msg.error.message)) : p.resolve(msg.result);
};
ws.onerror = () => { console.error("inspector connection failed"); process.exit(1); };
ws.onopen = async () => {
  if (collect === "1") await call("HeapProfiler.collectGarbage");
  const r = await call("Runtime.evaluate", { expression, returnByValue: true });
  console.log(r.result.value);
  ws.close();
  process.exit(0);
};
`;

export async function inspectMemory(inspectPort: number, collectGarbage: boolean): Promise<MemoryUsage> {
  return JSON.parse(await inspectEvaluate(inspectPort, "JSON.stringify(process.memoryUsage())", collectGarbage)) as MemoryUsage;
}

/** The string value of `expression` evaluated in the instance's main context. */
export async function inspectEvaluate(inspectPort: number, expression: string, collectGarbage = false): Promise<string> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectPort}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
  const url = targets[0]?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${inspectPort}`);
  const out = await new Promise<string>((resolve, reject) =>
    execFile(
      process.execPath,
      ["--experimental-websocket", "--no-warnings", "-e", HELPER, url, collectGarbage ? "1" : "0", expression],
      { timeout: 60_000 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message} ${stderr}`)) : resolve(stdout)),
    ),
  );
  return out.trim();
}
