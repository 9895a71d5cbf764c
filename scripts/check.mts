/**
 * `npm test`'s first step: ESLint beside the type check and the build, not one after the other.
 * Each is mostly one thread (ESLint's type-aware rules, tsc), so on a two-core machine this
 * takes about as long as the longer branch instead of the sum. Each branch's output is printed
 * whole when it ends, not interleaved; the step fails if either branch does.
 */
import { spawn } from "node:child_process";

const branches = [
  ["npm run lint"],
  ["npm run typecheck", "npm run build:if-needed"],
];

function run(commands: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(commands.join(" && "), { shell: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.on("close", (code) => {
      process.stdout.write(`\n== ${commands.join(" && ")} (${code === 0 ? "passed" : `failed, exit ${code}`})\n${output}`);
      resolve({ code: code ?? 1, output });
    });
  });
}

const results = await Promise.all(branches.map(run));
process.exit(results.some((result) => result.code !== 0) ? 1 : 0);
