import { checkHmac, type VerifyHmacOptions } from "./checkHmac.js";
import type { ReceivedWebhook } from "./ReceivedWebhook.js";

/** True when the delivery's `X-M2M-Signature` is valid for `secret`; {@link checkHmac} says why when it is not. */
export function verifyHmac(
  received: Pick<ReceivedWebhook, "headers" | "body">,
  secret: string,
  options: VerifyHmacOptions = {},
): boolean {
  return checkHmac(received, secret, options).valid;
}
