/**
 * Hostile values for bench/fuzz.mts, as fast-check arbitraries: JSON of every shape with keys
 * that walk into prototypes, strings that are huge, unpaired or control-laden, and "plausible"
 * inputs read off a zod schema and then broken one field at a time, so the fuzz also gets past
 * validation into the services (where a 500 usually hides).
 */
import fc from "fast-check";
import type { z } from "zod";

/** Ids the server knows (chats, users): plausible inputs use them so checks run on real rows. */
export type KnownIds = { chats: string[]; users: string[] };

export const PROTO_KEYS = ["__proto__", "constructor", "prototype"] as const;

/**
 * Keys a polluted Object.prototype would show through: optional input fields (`limit`,
 * `attachmentIds`…) that the after-run checks read, and role/permission names.
 */
export const MARKER_KEYS = ["limit", "after", "attachmentIds", "replyToId", "role", "moderateMessages", "isAdmin", "fuzzPolluted"] as const;

const key = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 2, arbitrary: fc.constantFrom(...PROTO_KEYS, ...MARKER_KEYS, "toString", "valueOf", "hasOwnProperty", "then", "json", "dates", "0", "length", "") },
);

/** Strings of `unit` repeated up to ~`max` characters, without fast-check building each character. */
export function hugeString(max: number): fc.Arbitrary<string> {
  return fc.tuple(fc.string({ minLength: 1, maxLength: 8, unit: "binary" }), fc.integer({ min: 1, max })).map(([unit, size]) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size));
}

const SPECIAL_STRINGS = [
  "",
  " ",
  "\u0000",
  "\ud800",
  "\udfff\ud800",
  "%",
  "%zz",
  "%E0%A4%A",
  "%00",
  "../../etc/passwd",
  "'; drop table users; --",
  "\\",
  "<script>alert(1)</script>",
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "null",
  "undefined",
  "[object Object]",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "\u202e\u200b\ufeff",
  "group:",
  "on-duty:",
  "fct_",
  "Bearer ",
];

export function hostileString(known: KnownIds, maxHuge = 50_000): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 40, unit: "binary" }) },
    { weight: 3, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 2, arbitrary: knownId(known) },
    { weight: 1, arbitrary: hugeString(maxHuge) },
  );
}

function knownId(known: KnownIds): fc.Arbitrary<string> {
  const ids = [...known.chats, ...known.users];
  return ids.length > 0 ? fc.constantFrom(...ids) : fc.uuid();
}

const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, -(2 ** 53), Number.MAX_SAFE_INTEGER + 2, 1e308, -1e308, 0.5, Number.MIN_VALUE),
);

/** Any JSON value, up to a few levels deep, with hostile keys and leaves. */
export function hostileJson(known: KnownIds, maxHuge = 50_000): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    hostileNumber,
    hostileString(known, maxHuge),
    // A Date becomes an ISO string plus a `dates` path in the wire format.
    fc.date({ noInvalidDate: false }),
  );
  return fc.letrec<{ value: unknown }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("value"), { maxLength: 6 }),
      fc.dictionary(key, tie("value"), { maxKeys: 6 }),
    ),
  })).value;
}

/** JSON text nested `depth` levels deep, built as text (stringifying such a value would overflow our own stack). */
export const deepJsonText = fc
  .tuple(fc.integer({ min: 100, max: 200_000 }), fc.constantFrom("[", '{"a":'), fc.boolean())
  .map(([depth, open, closed]) => {
    const close = open === "[" ? "]" : "}";
    return `${open.repeat(depth)}1${closed ? close.repeat(depth) : ""}`;
  });

/** Text that is not JSON, or almost JSON. */
export const malformedJsonText = fc.oneof(
  fc.constantFrom("", "{", "}", "[", "{'json':1}", '{"json":}', '{"json":1,}', "undefined", "NaN", '{"json":1}garbage', "\ufeff{}", '{"__proto__":', '{"a":"\\ud800"}', '{"a":"\\u00"}'),
  fc.string({ maxLength: 60, unit: "binary" }),
);

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown): Def => (schema as { _zod: { def: Def } })._zod.def;

/**
 * A value the schema would probably accept: what a well-behaved client sends. Unknown kinds of
 * schema get any JSON value.
 */
export function plausible(schema: z.ZodType, known: KnownIds, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const inner = (s: unknown) => plausible(s as z.ZodType, known, depth + 1);
  if (depth > 6) return fc.constant(null);
  switch (def.type) {
    case "object": {
      const shape = (schema as unknown as { shape: Record<string, z.ZodType> }).shape;
      const entries = Object.entries(shape);
      if (entries.length === 0) return fc.constant({});
      return fc.record(Object.fromEntries(entries.map(([name, field]) => [name, inner(field)])), { requiredKeys: entries.filter(([, f]) => !isOptional(f)).map(([n]) => n) });
    }
    case "string": {
      const format = def.format as string | undefined;
      if (format === "uuid" || format === "guid") return fc.oneof(knownId(known), fc.uuid());
      if (format === "url") return fc.constantFrom("https://example.com/x", "http://127.0.0.1/x", "https://10.0.0.1/", "javascript:alert(1)");
      return fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fc.constantFrom("order", "SO-1", "picker", "admin", "group:Managers", "on-duty:Helpdesk", "Warehouse A"), knownId(known));
    }
    case "number":
      return fc.oneof(fc.integer({ min: 0, max: 100 }), hostileNumber);
    case "bigint":
      return fc.integer();
    case "boolean":
      return fc.boolean();
    case "date":
      return fc.date({ noInvalidDate: true });
    case "null":
      return fc.constant(null);
    case "undefined":
    case "void":
      return fc.constant(undefined);
    case "enum":
      return fc.constantFrom(...Object.values(def.entries as Record<string, unknown>));
    case "literal":
      return fc.constantFrom(...(def.values as unknown[]));
    case "array":
      return fc.array(inner(def.element), { maxLength: 4 });
    case "tuple":
      return fc.tuple(...(def.items as unknown[]).map(inner));
    case "record":
      return fc.dictionary(fc.string({ maxLength: 10 }), inner(def.valueType), { maxKeys: 4 });
    case "union":
      return fc.oneof(...(def.options as unknown[]).map(inner));
    case "optional":
      return fc.option(inner(def.innerType), { nil: undefined });
    case "nullable":
      return fc.option(inner(def.innerType), { nil: null });
    case "default":
    case "prefault":
    case "catch":
    case "readonly":
    case "nonoptional":
      return inner(def.innerType);
    case "pipe":
      return inner(def.in);
    case "lazy":
      return inner((def.getter as () => unknown)());
    default:
      return hostileJson(known, 1000);
  }
}

function isOptional(schema: z.ZodType): boolean {
  const type = defOf(schema).type;
  return type === "optional" || type === "default" || type === "prefault";
}

/** One change that should make `value` invalid: a field dropped, retyped or added, or the whole replaced. */
export function mutated(value: fc.Arbitrary<unknown>, known: KnownIds): fc.Arbitrary<unknown> {
  const anything = hostileJson(known);
  return fc.tuple(value, fc.nat(), anything, key, fc.integer({ min: 0, max: 5 })).map(([base, pick, replacement, extraKey, how]) => {
    if (base === null || typeof base !== "object" || Array.isArray(base)) return how === 0 ? base : replacement;
    const object = { ...(base as Record<string, unknown>) };
    const keys = Object.keys(object);
    const target = keys.length > 0 ? keys[pick % keys.length]! : extraKey;
    switch (how) {
      case 0:
        return object;
      case 1:
        delete object[target];
        return object;
      case 2:
        object[target] = replacement;
        return object;
      case 3:
        // An own "__proto__" key, as JSON.parse makes it: a careless Object.assign or walker would follow it.
        Object.defineProperty(object, extraKey, { value: replacement, enumerable: true, configurable: true, writable: true });
        return object;
      case 4:
        return [object];
      default:
        return replacement;
    }
  });
}
