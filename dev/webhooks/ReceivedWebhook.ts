/** One request the webhook receiver got. */
export interface ReceivedWebhook {
  at: Date;
  method: string;
  /** The URL path without the query string, e.g. "/teams/ops". */
  path: string;
  /** The query string with its `?`, or "". */
  query: string;
  /** Lower-case names, repeated values joined with ", ". */
  headers: Record<string, string>;
  /** The body exactly as received (UTF-8). */
  body: string;
  /** The body parsed as JSON, or null when it is not JSON. */
  json: unknown;
  /** The status the receiver answered. */
  status: number;
}
