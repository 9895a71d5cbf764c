/** `--name value` and `--flag` command-line options; anything unknown stops the run with a usage line. */
export function parseArgs<T extends Record<string, number | boolean>>(defaults: T, usage: string, argv = process.argv.slice(2)): T {
  const result: Record<string, number | boolean> = { ...defaults };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(arg);
    const key = match?.[1]?.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    if (!match || key === undefined || !(key in defaults)) {
      console.error(`Unknown option ${arg}\n${usage}`);
      process.exit(2);
    }
    if (typeof defaults[key] === "boolean") {
      result[key] = match[2] === undefined ? true : match[2] !== "0" && match[2] !== "false";
      continue;
    }
    const raw = match[2] ?? argv[++i];
    const value = Number(raw);
    if (raw === undefined || !Number.isFinite(value) || value < 0) {
      console.error(`--${match[1]} needs a number\n${usage}`);
      process.exit(2);
    }
    result[key] = value;
  }
  return result as T;
}
