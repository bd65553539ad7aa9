/** Most bytes of UTF-8 JSON a run's summary may take in the run's record. */
export const MAX_SUMMARY_BYTES = 4096;

/**
 * Pure: what a code job's `run` returned, as the run's record keeps it — the value as JSON reads it back, or null for
 * nothing (undefined, null). A value that is not JSON (a function, a BigInt, a cycle) or is more than MAX_SUMMARY_BYTES
 * is not kept: `problem` says why, without the value, and the run still succeeds (its work is done).
 */
export function runSummaryJson(value: unknown): { json: unknown; problem: string | null } {
  // Nothing returned is kept as null; null itself needs no case of its own, as JSON reads it back as null.
  if (value === undefined) return { json: null, problem: null };
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    return { json: null, problem: `it is not JSON (${error instanceof Error ? error.name : "error"})` };
  }
  if (text === undefined) return { json: null, problem: `it is not JSON (a ${typeof value})` };
  const bytes = Buffer.byteLength(text);
  if (bytes > MAX_SUMMARY_BYTES) {
    return {
      json: null,
      problem: `it is ${bytes} bytes of JSON; at most ${MAX_SUMMARY_BYTES} are kept (return counts and cursors, not data)`,
    };
  }
  return { json: JSON.parse(text) as unknown, problem: null };
}
