const DELAY_SECONDS = /^\d+(?:\.\d+)?$/;
const ASCTIME = /^[a-z]{3} [a-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/i;

/**
 * How long a `Retry-After` header asks the client to wait, in milliseconds from `now`: delay-seconds ("120") or
 * an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT"). A date in the past means 0. Null when the header is absent or
 * not either form: the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  const text = value?.trim();
  if (!text) return null;
  if (DELAY_SECONDS.test(text)) return Math.round(Number(text) * 1000);
  // HTTP dates always name a day or month; requiring a letter keeps Date.parse from reading bare numbers ("-5", "2024") as dates.
  if (!/[a-z]/i.test(text)) return null;
  // asctime dates ("Sun Nov  6 08:49:37 1994") carry no zone but mean GMT; Date.parse would read local time.
  const at = Date.parse(ASCTIME.test(text) ? `${text} GMT` : text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}
