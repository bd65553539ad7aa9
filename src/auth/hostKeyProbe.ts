import type { KeyQuestion } from "./createKeyVerdictCache.js";
import { KeyCheckUnavailableError } from "./KeyCheckUnavailableError.js";

/** Asks the Functions host what a key opens. */
export interface HostKeyProbe {
  /** True when the host accepts `key` for the question, false when it answers 401; throws KeyCheckUnavailableError otherwise. */
  opens(question: KeyQuestion, key: string, signal: AbortSignal): Promise<boolean>;
}

/** The route of the app's own function-level probe (src/functions/authKeyCheck.ts), after the route prefix. */
export const KEY_CHECK_ROUTE = "auth/key-check";

/**
 * Asks the host that issued the keys, over HTTP, the way a caller would: the admin API's `GET /admin/host/status`
 * answers 200 only to the master key (authorization policy AdminAuthLevelOrInternal), and the app's own probe
 * function `GET /<prefix>/auth/key-check` (authLevel function) answers 204 to any key that opens function-level
 * routes (host keys, its own function keys, the master key); both answer 401 to any other key. The key goes in the
 * `x-functions-key` header, never in a URL, and redirects are not followed.
 */
export function hostKeyProbe(options: {
  readonly selfUrl: string;
  /** host.json's `extensions.http.routePrefix` ("api" unless changed; "" for none). */
  readonly routePrefix: string;
  readonly fetch?: typeof fetch;
}): HostKeyProbe {
  const send = options.fetch ?? fetch;
  const prefix = options.routePrefix ? `/${options.routePrefix}` : "";
  const paths: Record<KeyQuestion, string> = {
    admin: "/admin/host/status",
    function: `${prefix}/${KEY_CHECK_ROUTE}`,
  };
  return {
    async opens(question, key, signal) {
      const url = `${options.selfUrl}${paths[question]}`;
      let response: Response;
      try {
        response = await send(url, { headers: { "x-functions-key": key }, redirect: "manual", signal });
      } catch (error) {
        if (signal.aborted) throw error;
        throw new KeyCheckUnavailableError(
          `The app could not reach its Functions host at GET ${url} to check a key (${error instanceof Error ? error.message : String(error)})`,
          { cause: error },
        );
      }
      await response.body?.cancel();
      if (response.status === 200 || response.status === 204) return true;
      if (response.status === 401) return false;
      throw new KeyCheckUnavailableError(
        `The app's Functions host answered ${response.status} to GET ${url}, where it checks a key (200 or 204 means ` +
          "the key opens it, 401 that it does not)",
      );
    },
  };
}
