import { createHmac } from "node:crypto";
import type { AlertChannel } from "./Alert.js";
import { postJson } from "./postJson.js";

/**
 * Any HTTPS endpoint: the alert as JSON, with `X-M2M-Dedupe-Key` and `X-M2M-Timestamp` (unix seconds) and, when a
 * secret is set, `X-M2M-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` — the receiver recomputes it
 * and rejects old timestamps to stop replays.
 */
export function webhookChannel(options: {
  url: string;
  secret: string | null;
  name?: string;
  fetch?: typeof fetch;
  now?: () => Date;
}): AlertChannel {
  const name = options.name ?? "webhook";
  return {
    name,
    send(alert, signal) {
      const body = JSON.stringify(alert);
      const timestamp = String(Math.floor((options.now ?? (() => new Date()))().getTime() / 1000));
      const headers: Record<string, string> = {
        "x-m2m-dedupe-key": alert.dedupeKey,
        "x-m2m-timestamp": timestamp,
      };
      if (options.secret) {
        headers["x-m2m-signature"] =
          `sha256=${createHmac("sha256", options.secret).update(`${timestamp}.${body}`).digest("hex")}`;
      }
      return postJson(name, options.url, body, {
        headers,
        ...(options.fetch ? { fetch: options.fetch } : {}),
        ...(signal ? { signal } : {}),
      });
    },
  };
}
