import { timingSafeEqual } from "node:crypto";
import type { AuthLevel } from "./describeFunction.js";
import type { LocalHttpRequest } from "./LocalHttp.js";

export interface HostKeys {
  /** Opens function-level routes (the host's default host key): a function key. */
  readonly host: string;
  /**
   * The admin key (`_master`): opens everything — function- and admin-level routes, the admin API and extension
   * webhooks. Never the same as the host key, as on Azure.
   */
  readonly master: string;
}

/**
 * The key a caller presented, where the host looks for it: the `x-functions-key` header, else the `code` query
 * parameter (the header wins, as in the host's AuthenticationLevelHandler); an empty key is none.
 */
export function presentedKey(request: LocalHttpRequest): string | undefined {
  return (request.headers["x-functions-key"] ?? request.url.searchParams.get("code")) || undefined;
}

const same = (a: string, b: string) => {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
};

/** Whether the request may call a route of this level: anonymous needs no key, function a host or master key, admin the master key. */
export function isAuthorized(level: AuthLevel, request: LocalHttpRequest, keys: HostKeys): boolean {
  if (level === "anonymous") return true;
  const key = presentedKey(request);
  if (key === undefined) return false;
  if (same(key, keys.master)) return true;
  return level === "function" && same(key, keys.host);
}
