import type { Alert } from "../alerts/Alert.js";

/** An alert's facts from `[name, value]` pairs, in their order, leaving out those whose value is not known (null). */
export function alertFacts(pairs: readonly (readonly [string, string | null])[]): Alert["facts"] {
  return pairs.flatMap(([name, value]) => (value === null ? [] : [{ name, value }]));
}
