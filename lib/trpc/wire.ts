/**
 * The tRPC wire format: JSON plus the paths of the Date values in it, so dates survive the
 * round trip. Dates are the only non-JSON values our procedures carry; a general-purpose
 * transformer (superjson) cost ~4 kB gzip on every page for types we never send.
 */
type Path = (string | number)[];
export type Wire = { json: unknown; dates?: Path[] };

/** Limits on the date paths a request may carry: our largest input has a handful of dates. */
export const MAX_DATE_PATHS = 1_000;
export const MAX_PATH_DEPTH = 32;

/** Keys that lead out of the data into the object model; never followed, never written. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** The wire carries data that cannot be decoded; tRPC answers such a request 400. */
export class WireError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WireError";
  }
}

function encode(value: unknown, path: Path, dates: Path[]): unknown {
  if (value instanceof Date) {
    dates.push([...path]);
    return value.toISOString();
  }
  if (Array.isArray(value)) return value.map((item, i) => encode(item, [...path, i], dates));
  if (value !== null && typeof value === "object") {
    // fromEntries defines own properties, so a key named __proto__ (e.g. in a record's fields)
    // stays data instead of replacing the new object's prototype.
    return Object.fromEntries(
      Object.entries(value).flatMap(([key, item]) => (item === undefined ? [] : [[key, encode(item, [...path, key], dates)]])),
    );
  }
  return value;
}

export function serialize(value: unknown): Wire {
  const dates: Path[] = [];
  const json = encode(value, [], dates);
  return dates.length > 0 ? { json, dates } : { json };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function toDate(value: unknown): Date {
  if (typeof value !== "string") throw new WireError("A date path does not lead to a string");
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) throw new WireError("A date path leads to a string that is not a date");
  return date;
}

/** The container that holds `key` as its own slot, or a WireError: a path only ever names data. */
function step(container: unknown, key: unknown): Record<string, unknown> | unknown[] {
  if (Array.isArray(container)) {
    const items = container as unknown[];
    if (typeof key !== "number" || !Number.isSafeInteger(key) || key < 0 || key >= items.length) {
      throw new WireError("A date path names an array item that does not exist");
    }
    return items;
  }
  if (isPlainObject(container)) {
    if (typeof key !== "string" || FORBIDDEN_KEYS.has(key) || !Object.hasOwn(container, key)) {
      throw new WireError("A date path names a field that does not exist");
    }
    return container;
  }
  throw new WireError("A date path goes through a value that is not an object or array");
}

/**
 * Turns the strings at the `dates` paths back into Dates. The paths come from the client, so
 * each one must name data that is there: own fields of plain objects and items of arrays, never
 * a key like __proto__ that would reach into Object.prototype (DESIGN.md invariant 10).
 */
export function deserialize(wire: Wire): unknown {
  if (!isPlainObject(wire)) throw new WireError("The body must be an object with json and dates");
  const { dates } = wire;
  let root = wire.json;
  if (dates === undefined) return root;
  if (!Array.isArray(dates)) throw new WireError("dates must be a list of paths");
  if (dates.length > MAX_DATE_PATHS) throw new WireError(`At most ${MAX_DATE_PATHS} dates in one request`);
  for (const path of dates as unknown[]) {
    if (!Array.isArray(path)) throw new WireError("Each date path must be a list");
    if (path.length > MAX_PATH_DEPTH) throw new WireError(`A date path is at most ${MAX_PATH_DEPTH} deep`);
    if (path.length === 0) {
      root = toDate(root);
      continue;
    }
    let parent: unknown = root;
    for (const key of path.slice(0, -1) as unknown[]) {
      const container = step(parent, key);
      parent = (container as Record<string | number, unknown>)[key as string | number];
    }
    const last = path.at(-1) as unknown;
    const container = step(parent, last) as Record<string | number, unknown>;
    container[last as string | number] = toDate(container[last as string | number]);
  }
  return root;
}

export const wire = {
  serialize,
  deserialize: (value: unknown) => deserialize(value as Wire),
};
