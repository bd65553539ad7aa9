import type { ErrorCode } from "../errorCodes.js";
import { M2mError } from "../errors.js";

/**
 * An alert channel did not take an alert. The message names the channel, its origin (scheme and host only: webhook
 * URLs carry their secret in the path and query), the answer and what to check. Not retried here: the alert ledger
 * retries the delivery on the next run.
 *
 * Codes: ALERT_CHANNEL_REJECTED (answered, but not with success), ALERT_CHANNEL_UNREACHABLE (no answer),
 * ALERT_CHANNEL_TIMEOUT (no answer within the channel's timeout), ALERT_CHANNEL_ABORTED (the caller gave up).
 */
export class AlertChannelError extends M2mError {
  override name = "AlertChannelError";
  readonly channel: string;
  /** HTTP status of the answer, or null when none arrived. */
  readonly status: number | null;

  constructor(
    code: ErrorCode,
    message: string,
    options: { channel: string; status: number | null; detail?: unknown },
  ) {
    super(code, message, options.detail === undefined ? undefined : { detail: options.detail });
    this.channel = options.channel;
    this.status = options.status;
  }
}
