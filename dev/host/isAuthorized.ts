import { timingSafeEqual } from "node:crypto";
import type { AuthLevel } from "./describeFunction.js";
import type { LocalHttpRequest } from "./LocalHttp.js";

export interface HostKeys {
  /** Opens function-level routes (the host's default host key). */
  readonly host: string;
  /** Opens everything: function- and admin-level routes, the admin API and extension webhooks. */
  readonly master: string;
}

/** The key a caller presented, where the host looks for it: the `code` query parameter or `x-functions-key`. */
export function presentedKey(request: LocalHttpRequest): string | undefined {
  return request.url.searchParams.get("code") ?? request.headers["x-functions-key"];
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
