/**
 * Latency histogram (0.05 ms bins below 1 s, 1 ms bins up to 60 s, 100 ms bins up to 10 min, exact
 * max) and table printing. An overloaded run's latencies reach minutes; they must not all read 60 s.
 */
const FINE_MS = 0.05;
const FINE_UNTIL_MS = 1_000;
const FINE_BINS = FINE_UNTIL_MS / FINE_MS;
const MID_UNTIL_MS = 60_000;
const MID_BINS = MID_UNTIL_MS - FINE_UNTIL_MS;
const COARSE_MS = 100;
const MAX_MS = 600_000;
const BINS = FINE_BINS + MID_BINS + (MAX_MS - MID_UNTIL_MS) / COARSE_MS + 1;

function binOf(ms: number): number {
  if (ms < FINE_UNTIL_MS) return Math.floor(ms / FINE_MS);
  if (ms < MID_UNTIL_MS) return FINE_BINS + Math.floor(ms - FINE_UNTIL_MS);
  return Math.min(FINE_BINS + MID_BINS + Math.floor((ms - MID_UNTIL_MS) / COARSE_MS), BINS - 1);
}

function upperEdge(bin: number): number {
  if (bin < FINE_BINS) return (bin + 1) * FINE_MS;
  if (bin < FINE_BINS + MID_BINS) return FINE_UNTIL_MS + (bin - FINE_BINS + 1);
  return MID_UNTIL_MS + (bin - FINE_BINS - MID_BINS + 1) * COARSE_MS;
}

export class Histogram {
  private readonly bins = new Uint32Array(BINS);
  count = 0;
  max = 0;
  private sum = 0;

  add(ms: number): void {
    const value = ms < 0 ? 0 : ms;
    this.bins[binOf(value)]!++;
    this.count++;
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < this.bins.length; i++) this.bins[i]! += other.bins[i]!;
    this.count += other.count;
    this.sum += other.sum;
    this.max = Math.max(this.max, other.max);
  }

  /** The q-quantile (0..1), to the bin's upper edge; NaN when empty. */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.count));
    let seen = 0;
    for (let i = 0; i < this.bins.length; i++) {
      seen += this.bins[i]!;
      if (seen >= rank) return Math.min(upperEdge(i), this.max);
    }
    return this.max;
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.sum / this.count;
  }
}

export function round(value: number, digits = 2): number {
  if (!Number.isFinite(value)) return value;
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function ms(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

/** A plain-text table: the first row is the header. */
export function table(rows: (string | number)[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, String(cell).length)));
  const line = (row: (string | number)[]) =>
    row.map((cell, i) => (typeof cell === "number" ? String(cell).padStart(widths[i]!) : String(cell).padEnd(widths[i]!))).join("  ");
  const [header, ...body] = rows;
  return [line(header!), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
