/**
 * The tRPC wire format: JSON plus the paths of the Date values in it, so dates survive the
 * round trip. Dates are the only non-JSON values our procedures carry; a general-purpose
 * transformer (superjson) cost ~4 kB gzip on every page for types we never send.
 */
type Path = (string | number)[];
export type Wire = { json: unknown; dates?: Path[] };

function encode(value: unknown, path: Path, dates: Path[]): unknown {
  if (value instanceof Date) {
    dates.push([...path]);
    return value.toISOString();
  }
  if (Array.isArray(value)) return value.map((item, i) => encode(item, [...path, i], dates));
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) out[key] = encode(item, [...path, key], dates);
    }
    return out;
  }
  return value;
}

export function serialize(value: unknown): Wire {
  const dates: Path[] = [];
  const json = encode(value, [], dates);
  return dates.length > 0 ? { json, dates } : { json };
}

export function deserialize(wire: Wire): unknown {
  let root = wire.json;
  for (const path of wire.dates ?? []) {
    if (path.length === 0) {
      root = new Date(root as string);
      continue;
    }
    let parent = root as Record<string | number, unknown>;
    for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
    const last = path.at(-1)!;
    parent[last] = new Date(parent[last] as string);
  }
  return root;
}

export const wire = {
  serialize,
  deserialize: (value: unknown) => deserialize(value as Wire),
};
