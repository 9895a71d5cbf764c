/**
 * Hardware scanners that "type like a keyboard" (keyboard wedge, PRODUCT.md W1) send a code as a
 * burst of key presses ending in Enter, a few milliseconds apart. People do not type like that:
 * even quick typists leave 80 ms or more between most keys. So at least MIN_LENGTH characters
 * then Enter, with most gaps (the median) within MAX_MEDIAN_GAP_MS and the whole burst averaging
 * within MAX_AVERAGE_GAP_MS a key, is a scan; anything slower is typing and is left alone.
 *
 * The median, not each gap, decides, because a busy tablet (or a Bluetooth scanner) delivers a
 * few keys late now and then: one late key must not cut a code in two, or its tail alone would
 * be looked up. Only a pause longer than MAX_PAUSE_MS ends a burst.
 */
export const WEDGE_MIN_LENGTH = 4;
export const WEDGE_MAX_MEDIAN_GAP_MS = 35;
export const WEDGE_MAX_AVERAGE_GAP_MS = 100;
export const WEDGE_MAX_PAUSE_MS = 500;
/** Longer than any key a label carries (server/api/schemas/entity.ts), with room for prefixes. */
const MAX_BUFFER = 200;

/** Keys that scanners send between characters (Shift for capitals) and that never break a burst. */
const PASS_THROUGH = new Set(["Shift", "CapsLock"]);

export type WedgeKey = { key: string; timeStamp: number; ctrlKey?: boolean; altKey?: boolean; metaKey?: boolean };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export class WedgeDetector {
  private chars = "";
  /** The gap before each key after the first, in ms. */
  private gaps: number[] = [];
  private lastAt = Number.NEGATIVE_INFINITY;

  /** Feeds one keydown; returns the scanned code when this key is the Enter that ends a burst. */
  push(event: WedgeKey): string | null {
    if (PASS_THROUGH.has(event.key)) return null;
    const gap = event.timeStamp - this.lastAt;
    if (event.key === "Enter") {
      const gaps = [...this.gaps, gap];
      const isBurst =
        this.chars.length >= WEDGE_MIN_LENGTH &&
        gap <= WEDGE_MAX_PAUSE_MS &&
        median(gaps) <= WEDGE_MAX_MEDIAN_GAP_MS &&
        gaps.reduce((sum, g) => sum + g, 0) / gaps.length <= WEDGE_MAX_AVERAGE_GAP_MS;
      const code = isBurst ? this.chars.trim() : "";
      this.reset();
      return code.length >= WEDGE_MIN_LENGTH ? code : null;
    }
    if (event.key.length !== 1 || event.ctrlKey || event.altKey || event.metaKey) {
      this.reset();
      return null;
    }
    if (gap > WEDGE_MAX_PAUSE_MS || this.chars.length >= MAX_BUFFER) {
      this.chars = "";
      this.gaps = [];
    } else {
      this.gaps.push(gap);
    }
    this.chars += event.key;
    this.lastAt = event.timeStamp;
    return null;
  }

  reset(): void {
    this.chars = "";
    this.gaps = [];
    this.lastAt = Number.NEGATIVE_INFINITY;
  }
}
