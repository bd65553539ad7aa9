/** Milliseconds as seconds with one decimal ("9.5"), for messages; negative durations read as 0. */
export function seconds(ms: number): string {
  return String(Math.round(Math.max(0, ms) / 100) / 10);
}
