const DELAY_SECONDS = /^\d+(?:\.\d+)?$/;

// The three forms of an HTTP-date (RFC 9110 §5.6.7), names and "GMT" spelt as the RFC spells them (case-sensitive).
// Anything else is refused rather than left to Date.parse, which guesses: it reads a date without a zone in the
// machine's local time, takes a number where a name belongs for the year, and skips text it does not know.
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC850_DATE =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), \d{2}-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{2} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * How long a `Retry-After` header asks the client to wait, in milliseconds from `now`: delay-seconds ("120") or
 * an HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT", or the obsolete RFC 850 and asctime forms). A date in the past
 * means 0. Null when the header is absent or not either form: the caller falls back to its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, now: Date): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (DELAY_SECONDS.test(text)) return Math.round(Number(text) * 1000);
  const at = parseHttpDate(text);
  if (Number.isNaN(at)) return null;
  return Math.max(0, at - now.getTime());
}

/** Milliseconds since the epoch of an HTTP date in one of its three forms; NaN for anything else. */
function parseHttpDate(text: string): number {
  if (IMF_FIXDATE.test(text) || RFC850_DATE.test(text)) return Date.parse(text);
  // asctime dates ("Sun Nov  6 08:49:37 1994") carry no zone but mean GMT; Date.parse would read local time.
  if (ASCTIME_DATE.test(text)) return Date.parse(`${text} GMT`);
  return Number.NaN;
}
