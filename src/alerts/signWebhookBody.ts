import { createHmac } from "node:crypto";

/**
 * The generic webhook's `X-M2M-Signature` value: `sha256=` and the lower-case hex HMAC-SHA256, keyed with the
 * shared secret, of `${timestamp}.${body}` — the `X-M2M-Timestamp` value, a dot, and the raw body. Signing the
 * timestamp lets a receiver refuse replays of an old request.
 */
export function signWebhookBody(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}
