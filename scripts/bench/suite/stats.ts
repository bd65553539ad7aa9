// Sampling for the benchmark suite: arms measured in turn (A, B, A, B, … with the order alternating), so that the
// machine's drift falls on every arm alike, and summaries by median and p99.

/** Medians and tails of one arm's samples, in milliseconds. */
export interface Summary {
  samples: number;
  p50: number;
  p99: number;
}

/** The value below which a share `q` of `values` lies (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError("quantile of no samples");
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export function summarize(values: readonly number[]): Summary {
  return { samples: values.length, p50: quantile(values, 0.5), p99: quantile(values, 0.99) };
}

/**
 * Runs each arm `samples` times after `warmUp` unmeasured rounds, interleaved: round i runs the arms in order, round
 * i + 1 in reverse. Returns each arm's wall times in milliseconds.
 */
export async function interleave<K extends string>(
  arms: Record<K, () => Promise<unknown>>,
  options: { samples: number; warmUp: number },
): Promise<Record<K, number[]>> {
  const names = Object.keys(arms) as K[];
  const times = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let round = 0; round < options.warmUp + options.samples; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const started = performance.now();
      await arms[name]();
      const elapsed = performance.now() - started;
      if (round >= options.warmUp) times[name].push(elapsed);
    }
  }
  return times;
}

/** `a / b`, to two decimals, as the report prints ratios. */
export const ratio = (a: number, b: number): number => Math.round((a / b) * 100) / 100;

/** Milliseconds to two decimals. */
export const ms = (value: number): number => Math.round(value * 100) / 100;
