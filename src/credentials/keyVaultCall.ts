import type { Deadline } from "../clock/Deadline.js";
import { withAzureCallDeadline } from "./azureCallDeadline.js";

/** The edge a deadline names when Key Vault has not answered in time ("Key Vault did not answer within 42 s"). */
export const KEY_VAULT = "Key Vault";

/**
 * Runs one Key Vault SDK call (a read, a listing read to its end, a create) within `deadline`: the SDK gets the
 * deadline's signal as `abortSignal` — it aborts the request in flight and the SDK's own retry waits (its retry policy
 * waits on the request's signal) — and the call settles by the deadline even when the SDK does not, rejecting with
 * TIMED_OUT naming Key Vault. The managed identity token the SDK asks for on the way is bounded inside it (see
 * deadlineBoundCredential), so a hung identity endpoint is named as such. Without a deadline the call runs as it is.
 */
export function keyVaultCall<T>(
  deadline: Deadline | undefined,
  call: (options: { abortSignal?: AbortSignal }) => Promise<T>,
): Promise<T> {
  if (!deadline) return call({});
  return deadline.bound(KEY_VAULT, (abortSignal) =>
    withAzureCallDeadline(deadline, () => call({ abortSignal })),
  );
}
