import { describe, expect, it } from "vitest";
import { type Wire, deserialize, serialize } from "./wire";

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
