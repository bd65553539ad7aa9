/** A duration for people, in seconds: one decimal below 10 s ("0.8 s", "2 s"), whole seconds from there ("42 s"). */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${seconds >= 10 ? Math.round(seconds) : Math.round(seconds * 10) / 10} s`;
}
