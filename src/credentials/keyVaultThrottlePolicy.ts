import type { CertificateClientOptions } from "@azure/keyvault-certificates";
import { systemClock, type Clock } from "../clock/Clock.js";
import { formatSeconds } from "../clock/formatSeconds.js";
import { TransientError } from "../errors.js";
import { parseRetryAfter } from "../jobs/downstream/parseRetryAfter.js";
import { currentAzureCallDeadline } from "./azureCallDeadline.js";

/** A core-rest-pipeline policy, as the Key Vault clients take it in `additionalPolicies`. */
type PipelinePolicy = NonNullable<CertificateClientOptions["additionalPolicies"]>[number]["policy"];

/**
 * The Key Vault SDK's retry policy waits as long as a 429 (or 503) Retry-After asks — on the request's signal, so never
 * past the deadline, but a wait that cannot end before the deadline only ends in TIMED_OUT. Placed per retry (it sees
 * every attempt's answer before the retry policy does), this policy refuses such a wait at once with
 * KEYVAULT_THROTTLED, saying how long Key Vault asked to wait and how long was left. Without a deadline (see
 * withAzureCallDeadline), or with a wait that fits, the answer goes on to the SDK's retry policy as it is.
 */
export function keyVaultThrottlePolicy(clock: Clock = systemClock): PipelinePolicy {
  return {
    name: "m2mKeyVaultThrottleWithinDeadline",
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status !== 429 && response.status !== 503) return response;
      const deadline = currentAzureCallDeadline();
      const waitMs = parseRetryAfter(response.headers.get("retry-after"), clock());
      if (!deadline || waitMs === null) return response;
      const leftMs = deadline.leftMs();
      if (waitMs < leftMs) return response;
      throw new TransientError(
        "KEYVAULT_THROTTLED",
        `Key Vault answered HTTP ${response.status} to ${request.method} ${new URL(request.url).pathname} and asked to wait ${formatSeconds(waitMs)} (Retry-After), more than the ${formatSeconds(leftMs)} left before the deadline. ` +
          `Key Vault allows 4,000 transactions per 10 seconds per vault: look for other callers of this vault. The next run tries again.`,
      );
    },
  };
}
