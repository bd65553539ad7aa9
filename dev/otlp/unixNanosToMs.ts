/** An OTLP timestamp (nanoseconds since the epoch, a number or a decimal string) in milliseconds; 0 when absent. */
export function unixNanosToMs(nanos: number | string | undefined): number {
  if (nanos === undefined || nanos === "") return 0;
  if (typeof nanos === "number") return nanos / 1e6;
  const whole = BigInt(nanos);
  // Split before converting: 1.7e18 ns is past 2^53, so Number(nanos) would lose the sub-millisecond part.
  return Number(whole / 1_000_000n) + Number(whole % 1_000_000n) / 1e6;
}
