import { createHmac, timingSafeEqual } from "node:crypto";
import type { ReceivedWebhook } from "./ReceivedWebhook.js";

export type HmacCheck = { valid: true } | { valid: false; reason: string };

export interface VerifyHmacOptions {
  /** When set, a timestamp further than this from `now` is refused (replay protection). */
  toleranceSeconds?: number;
  /** Milliseconds since the epoch. Default Date.now. */
  now?: () => number;
}

/**
 * Checks the generic webhook channel's signature: `X-M2M-Signature: sha256=<hex>`, the HMAC-SHA256 with the
 * shared secret over `${X-M2M-Timestamp}.${body}` (the raw body, byte for byte). Says why when it fails.
 */
export function checkHmac(
  received: Pick<ReceivedWebhook, "headers" | "body">,
  secret: string,
  options: VerifyHmacOptions = {},
): HmacCheck {
  const signature = received.headers["x-m2m-signature"];
  const timestamp = received.headers["x-m2m-timestamp"];
  if (signature === undefined) return { valid: false, reason: "no X-M2M-Signature header" };
  if (timestamp === undefined) return { valid: false, reason: "no X-M2M-Timestamp header" };
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(signature.trim());
  if (!match?.[1]) {
    return {
      valid: false,
      reason: `X-M2M-Signature '${signature}' is not of the form sha256=<64 hex digits>`,
    };
  }
  const expected = createHmac("sha256", secret).update(`${timestamp}.${received.body}`).digest();
  if (!timingSafeEqual(expected, Buffer.from(match[1], "hex"))) {
    return {
      valid: false,
      reason: "X-M2M-Signature does not match HMAC-SHA256(secret, `${X-M2M-Timestamp}.${body}`)",
    };
  }
  if (options.toleranceSeconds !== undefined) {
    const sentMs = timestampMs(timestamp);
    if (sentMs === null) return { valid: false, reason: `X-M2M-Timestamp '${timestamp}' is not a time` };
    const skewSeconds = Math.abs((options.now ?? Date.now)() - sentMs) / 1000;
    if (skewSeconds > options.toleranceSeconds) {
      return {
        valid: false,
        reason: `X-M2M-Timestamp '${timestamp}' is ${Math.round(skewSeconds)} s away from now (tolerance ${options.toleranceSeconds} s)`,
      };
    }
  }
  return { valid: true };
}

/** Unix seconds, Unix milliseconds (13+ digits) or an ISO / HTTP date. */
function timestampMs(value: string): number | null {
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return trimmed.length >= 13 ? Number(trimmed) : Number(trimmed) * 1000;
  const parsed = Date.parse(trimmed);
  return Number.isNaN(parsed) ? null : parsed;
}
