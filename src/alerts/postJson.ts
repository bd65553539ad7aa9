import { TransientError } from "../errors.js";

/** Scheme and host only: webhook URLs carry their secret in the path or query. */
export function redactUrl(url: string): string {
  const parsed = URL.parse(url);
  return parsed ? `${parsed.protocol}//${parsed.host}/<redacted>` : "<invalid URL>";
}

/**
 * POSTs a JSON body to a webhook. Non-2xx, a network error or a timeout throws an error naming the channel, the
 * status and a short excerpt of the answer — never the URL's secret parts.
 */
export async function postJson(
  channel: string,
  url: string,
  body: string,
  options: {
    headers?: Record<string, string>;
    fetch?: typeof fetch;
    timeoutMs?: number;
    signal?: AbortSignal;
    accept?: (status: number, text: string) => boolean;
  },
): Promise<void> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 10_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let response: Response;
  try {
    response = await (options.fetch ?? fetch)(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...options.headers },
      body,
      signal,
    });
  } catch (error) {
    const reason =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new TransientError(
      "ALERT_DELIVERY_FAILED",
      `Alert channel '${channel}' (${redactUrl(url)}) is unreachable: ${reason}`,
      {
        cause: error,
      },
    );
  }
  const text = await response.text().catch(() => "");
  const ok = options.accept ? options.accept(response.status, text) : response.ok;
  if (!ok) {
    throw new TransientError(
      "ALERT_DELIVERY_FAILED",
      `Alert channel '${channel}' (${redactUrl(url)}) answered ${response.status}: ${text.slice(0, 200)}`,
    );
  }
}
