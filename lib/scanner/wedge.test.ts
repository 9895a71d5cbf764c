import { describe, expect, it } from "vitest";
import { WEDGE_MAX_MEDIAN_GAP_MS, WEDGE_MAX_PAUSE_MS, WedgeDetector } from "./wedge";

/** Feeds `text` then Enter, `gaps(i)` ms before key i (from `start`); returns what the detector said per key. */
function typeInto(detector: WedgeDetector, text: string, gap: number | ((i: number) => number), start = 1000): (string | null)[] {
  const gapAt = typeof gap === "number" ? () => gap : gap;
  let time = start;
  return [...text, "Enter"].map((key, i) => {
    if (i > 0) time += gapAt(i);
    return detector.push({ key, timeStamp: time });
  });
}

describe("keyboard-wedge scanner detection", () => {
  it("reads a burst of characters ending in Enter as a scan", () => {
    const results = typeInto(new WedgeDetector(), "SO-10012", 5);
    expect(results.at(-1)).toBe("SO-10012");
    expect(results.slice(0, -1).every((r) => r === null)).toBe(true);
  });

  it("leaves typing at a person's pace alone, even a very fast person's", () => {
    expect(typeInto(new WedgeDetector(), "SO-10012", 150)).toEqual(Array(9).fill(null));
    expect(typeInto(new WedgeDetector(), "that", WEDGE_MAX_MEDIAN_GAP_MS + 5)).toEqual(Array(5).fill(null));
    // Quick rolls of two or three keys inside slower typing.
    expect(typeInto(new WedgeDetector(), "things", (i) => [0, 90, 20, 25, 140, 30, 160][i]!).at(-1)).toBeNull();
  });

  it("keeps a burst whole when a few keys arrive late", () => {
    const late = (i: number) => [0, 326, 75, 21, 26, 24, 32, 33, 40][i]!;
    expect(typeInto(new WedgeDetector(), "SO-10012", late).at(-1)).toBe("SO-10012");
  });

  it("does not take mostly quick keys spread over a long time for a scan", () => {
    const spread = (i: number) => [0, 20, 20, 20, 20, 20, 450, 450, 450][i]!;
    expect(typeInto(new WedgeDetector(), "SO-10012", spread).at(-1)).toBeNull();
  });

  it("needs at least four characters", () => {
    expect(typeInto(new WedgeDetector(), "abc", 5).at(-1)).toBeNull();
    expect(typeInto(new WedgeDetector(), "abcd", 5).at(-1)).toBe("abcd");
  });

  it("starts a new burst after a pause, so keys typed before a scan do not end up in it", () => {
    const detector = new WedgeDetector();
    detector.push({ key: "x", timeStamp: 0 });
    detector.push({ key: "y", timeStamp: 200 });
    expect(typeInto(detector, "P-0042", 4, 200 + WEDGE_MAX_PAUSE_MS + 1).at(-1)).toBe("P-0042");
  });

  it("ignores Shift between characters, as scanners send it for capitals", () => {
    const detector = new WedgeDetector();
    const keys = ["Shift", "S", "Shift", "O", "-", "1", "2", "Enter"];
    const results = keys.map((key, i) => detector.push({ key, timeStamp: 100 + i * 3 }));
    expect(results.at(-1)).toBe("SO-12");
  });

  it("does not treat shortcuts or navigation keys as part of a code", () => {
    const detector = new WedgeDetector();
    expect(detector.push({ key: "a", timeStamp: 0 })).toBeNull();
    detector.push({ key: "b", timeStamp: 5 });
    detector.push({ key: "c", timeStamp: 10, ctrlKey: true });
    detector.push({ key: "d", timeStamp: 15 });
    expect(detector.push({ key: "Enter", timeStamp: 20 })).toBeNull();
    for (const [i, key] of [..."abcd"].entries()) detector.push({ key, timeStamp: 100 + i * 5 });
    detector.push({ key: "ArrowDown", timeStamp: 120 });
    expect(detector.push({ key: "Enter", timeStamp: 121 })).toBeNull();
  });

  it("needs the Enter to follow the burst without a pause", () => {
    const detector = new WedgeDetector();
    for (const [i, key] of [..."SO-1"].entries()) detector.push({ key, timeStamp: i * 5 });
    expect(detector.push({ key: "Enter", timeStamp: 15 + WEDGE_MAX_PAUSE_MS + 1 })).toBeNull();
  });
});
