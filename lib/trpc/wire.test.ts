import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { MAX_DATE_PATHS, MAX_PATH_DEPTH, type Wire, WireError, deserialize, serialize } from "./wire";

describe("the tRPC wire format", () => {
  it("brings Dates back as Dates at any depth, and everything else as it was", () => {
    const value = {
      at: new Date("2026-11-21T10:00:00.000Z"),
      list: [{ createdAt: new Date(0), body: "hi", n: 3, none: null }],
      nested: { deep: [[new Date("2030-01-01T00:00:00.000Z")]] },
      text: "2026-11-21T10:00:00.000Z",
    };
    const back = deserialize(JSON.parse(JSON.stringify(serialize(value))) as Wire);
    expect(back).toEqual(value);
    expect((back as typeof value).text).toBeTypeOf("string");
  });

  it("handles a bare Date and values with no dates", () => {
    expect(deserialize(serialize(new Date(5)))).toEqual(new Date(5));
    expect(serialize({ a: 1 })).toEqual({ json: { a: 1 } });
    expect(deserialize(serialize(undefined))).toBeUndefined();
  });

  it("drops undefined object fields the way JSON does", () => {
    expect(deserialize(serialize({ a: undefined, b: 1 }))).toEqual({ b: 1 });
  });
});

describe("date paths from a client", () => {
  const pollutionKeys = () => Object.getOwnPropertyNames(Object.prototype).sort();
  const before = pollutionKeys();

  it("refuses paths through __proto__, constructor and prototype and leaves Object.prototype alone", () => {
    const attacks: Wire[] = [
      { json: {}, dates: [["__proto__", "worker"], ["__proto__", "moderateMessages"]] },
      { json: {}, dates: [["constructor", "prototype", "createRooms"]] },
      { json: { a: {} }, dates: [["a", "__proto__", "x"]] },
      { json: { a: [] }, dates: [["a", "constructor", "prototype", "x"]] },
      { json: JSON.parse('{"__proto__":{"x":"2020-01-01"}}') as unknown, dates: [["__proto__", "x"]] },
    ];
    for (const attack of attacks) expect(() => deserialize(attack)).toThrow(WireError);
    expect(pollutionKeys()).toEqual(before);
    expect(({} as Record<string, unknown>).worker).toBeUndefined();
  });

  it("refuses a path that does not exist in json, or does not lead to a date string", () => {
    expect(() => deserialize({ json: { a: 1 }, dates: [["b"]] })).toThrow(WireError);
    expect(() => deserialize({ json: { a: 1 }, dates: [["a"]] })).toThrow(WireError);
    expect(() => deserialize({ json: { a: "not a date" }, dates: [["a"]] })).toThrow(WireError);
    expect(() => deserialize({ json: ["2020-01-01"], dates: [[1]] })).toThrow(WireError);
    expect(() => deserialize({ json: ["2020-01-01"], dates: [["0"]] })).toThrow(WireError);
    expect(() => deserialize({ json: ["2020-01-01"], dates: [["length"]] })).toThrow(WireError);
    expect(() => deserialize({ json: {}, dates: "x" } as unknown as Wire)).toThrow(WireError);
    expect(() => deserialize({ json: {}, dates: [null] } as unknown as Wire)).toThrow(WireError);
    expect(() => deserialize("x" as unknown as Wire)).toThrow(WireError);
  });

  it("caps the number and the depth of date paths", () => {
    const many = { json: { a: "2020-01-01" }, dates: Array.from({ length: MAX_DATE_PATHS + 1 }, () => ["a"]) };
    expect(() => deserialize(many)).toThrow(/At most/);
    const deep = { json: {}, dates: [Array.from({ length: MAX_PATH_DEPTH + 1 }, () => "a")] };
    expect(() => deserialize(deep)).toThrow(/deep/);
  });

  it("never writes outside the json it was given, whatever the paths (property)", () => {
    const key = fc.oneof(
      fc.constantFrom("__proto__", "constructor", "prototype", "toString", "valueOf", "length", "a", "0"),
      fc.string({ maxLength: 8 }),
      fc.integer({ min: -2, max: 4 }),
    );
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.array(fc.array(key, { maxLength: 6 }), { maxLength: 8 }), (json, dates) => {
        const parsed = JSON.parse(JSON.stringify(json) ?? "null") as unknown;
        try {
          deserialize({ json: parsed, dates });
        } catch (error) {
          expect(error).toBeInstanceOf(WireError);
        }
        expect(pollutionKeys()).toEqual(before);
        expect(Object.getPrototypeOf({})).toBe(Object.prototype);
        expect(Array.prototype.at).toBeTypeOf("function");
      }),
      { numRuns: 2_000 },
    );
  });

  it("brings back every date a server or client serialised (property)", () => {
    const leaf = fc.oneof(fc.date({ noInvalidDate: true }), fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: "small" }, leaf, fc.array(tie("tree"), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), tie("tree"), { maxKeys: 4 })),
    }));
    fc.assert(
      fc.property(tree, (value) => {
        const back = deserialize(JSON.parse(JSON.stringify(serialize(value))) as Wire);
        expect(back).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it("keeps a field named __proto__ as data when serialising", () => {
    const fields = JSON.parse('{"__proto__":{"x":1},"y":2}') as Record<string, unknown>;
    const { json } = serialize({ fields }) as { json: { fields: Record<string, unknown> } };
    expect(Object.getPrototypeOf(json.fields)).toBe(Object.prototype);
    expect(JSON.stringify(json)).toBe('{"fields":{"__proto__":{"x":1},"y":2}}');
  });
});
