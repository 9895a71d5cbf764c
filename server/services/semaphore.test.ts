import { describe, expect, it } from "vitest";
import { createSemaphore } from "./semaphore";

/** A task that runs until the test lets it finish. */
function gate() {
  let open!: () => void;
  const done = new Promise<void>((resolve) => (open = resolve));
  return { open, done };
}

const full = () => new Error("full");

describe("semaphore", () => {
  it("runs at most `concurrency` tasks at once; the others start, in order, as slots free up", async () => {
    const semaphore = createSemaphore({ concurrency: 2, maxWaiting: 10, whenFull: full });
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const results = gates.map((g, i) =>
      semaphore.run(async () => {
        started.push(i);
        await g.done;
        return i;
      }),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);

    gates[1]!.open();
    expect(await results[1]).toBe(1);
    expect(started).toEqual([0, 1, 2]);

    gates[0]!.open();
    expect(await results[0]).toBe(0);
    expect(started).toEqual([0, 1, 2, 3]);

    gates[2]!.open();
    gates[3]!.open();
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
  });

  it("refuses a task at once when the waiting queue is full", async () => {
    const semaphore = createSemaphore({ concurrency: 1, maxWaiting: 1, whenFull: full });
    const g = gate();
    const running = semaphore.run(() => g.done);
    const queued = semaphore.run(() => Promise.resolve("queued"));
    await expect(semaphore.run(() => Promise.resolve("refused"))).rejects.toThrow("full");
    g.open();
    await running;
    expect(await queued).toBe("queued");
    // With room again, a task is taken.
    expect(await semaphore.run(() => Promise.resolve("later"))).toBe("later");
  });

  it("frees the slot of a task that fails", async () => {
    const semaphore = createSemaphore({ concurrency: 1, maxWaiting: 0, whenFull: full });
    await expect(semaphore.run(() => Promise.reject(new Error("broken image")))).rejects.toThrow("broken image");
    expect(await semaphore.run(() => Promise.resolve("next"))).toBe("next");
  });
});
