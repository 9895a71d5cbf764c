/**
 * At most `concurrency` tasks run at once; up to `maxWaiting` more wait their turn in arrival
 * order, and past that `run` refuses at once with `whenFull()` rather than letting the queue
 * (and the memory its tasks hold) grow without bound. Per process, like the rate limits.
 */
export interface Semaphore {
  run<T>(task: () => Promise<T>): Promise<T>;
}

export function createSemaphore(options: { concurrency: number; maxWaiting: number; whenFull: () => Error }): Semaphore {
  let running = 0;
  const waiting: (() => void)[] = [];

  const release = () => {
    const next = waiting.shift();
    // The slot passes straight to the next task, so `running` never dips and lets a newcomer jump the queue.
    if (next) next();
    else running--;
  };

  return {
    async run(task) {
      if (running < options.concurrency) {
        running++;
      } else {
        if (waiting.length >= options.maxWaiting) throw options.whenFull();
        await new Promise<void>((resolve) => waiting.push(resolve));
      }
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
