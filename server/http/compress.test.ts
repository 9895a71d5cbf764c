import { describe, expect, it } from "vitest";
import { acceptsGzip } from "./compress";

describe("acceptsGzip", () => {
  it("reads Accept-Encoding's weights: gzip refused by q=0 is not sent, a wildcard admits it", () => {
    expect(acceptsGzip("gzip;q=0, br")).toBe(false);
    expect(acceptsGzip("gzip;q=0, *")).toBe(false);
    expect(acceptsGzip("identity")).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
    expect(acceptsGzip("*")).toBe(true);
    expect(acceptsGzip("br;q=1.0, GZIP;q=0.5")).toBe(true);
  });
});
