import { systemClock, type Clock } from "../clock/Clock.js";
import { withinDeadline } from "../clock/withinDeadline.js";
import type { AlertChannel } from "./Alert.js";
import type { ChannelHttpOptions } from "./ChannelHttpOptions.js";
import { checkChannelName } from "./checkChannelName.js";
import { postAlert } from "./postAlert.js";
import { signWebhookBody } from "./signWebhookBody.js";

/**
 * Any HTTP receiver: the body is the Alert as JSON, with headers
 * - `X-M2M-Dedupe-Key`: the alert's dedupeKey (the same alert may arrive twice after a lost answer: drop repeats);
 * - `X-M2M-Timestamp`: unix seconds when it was sent;
 * - `X-M2M-Signature: sha256=<hex>` when a secret is set (see signWebhookBody).
 * Any 2xx is success.
 */
export function webhookChannel(
  options: { name?: string; url: string; secret?: string | null; clock?: Clock } & ChannelHttpOptions,
): AlertChannel {
  const name = checkChannelName(options.name ?? "webhook");
  const clock = options.clock ?? systemClock;
  const secret = options.secret ?? null;
  return {
    name,
    send(alert, deadline) {
      const body = JSON.stringify(alert);
      const timestamp = Math.floor(clock().getTime() / 1000);
      const headers: Record<string, string> = {
        "x-m2m-dedupe-key": headerSafe(alert.dedupeKey),
        "x-m2m-timestamp": String(timestamp),
      };
      if (secret) headers["x-m2m-signature"] = signWebhookBody(secret, timestamp, body);
      return withinDeadline(deadline, "the alert webhook", (signal) =>
        postAlert(
          {
            channel: name,
            url: options.url,
            body,
            headers,
            accepted: (status) => status >= 200 && status < 300,
            hint:
              "Check the receiver behind M2M_ALERT_WEBHOOK_URL (and, if it verifies X-M2M-Signature, that it has " +
              "the same M2M_ALERT_WEBHOOK_SECRET).",
          },
          options,
          signal,
        ),
      );
    },
  };
}

/** Header values must be printable ASCII: anything else is percent-encoded (dedupe keys normally are ASCII). */
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/gu, (c) => encodeURIComponent(c));
}
