import { isAuthorized, type HostKeys } from "./isAuthorized.js";
import {
  jsonResponse,
  localHttpResponse,
  type LocalHttpRequest,
  type LocalHttpResponse,
} from "./LocalHttp.js";

/** What the admin API needs from the host. */
export interface AdminTarget {
  lookup(name: string): { readonly name: string; readonly triggerType: string } | undefined;
  invokeWithInput(name: string, input: unknown): Promise<unknown>;
}

/**
 * The part of the host's admin API that tools use locally, with the master key: `GET /admin/host/status`, and
 * `POST /admin/functions/<name>` with `{"input": "..."}`, which runs a non-HTTP function (a timer now, an Event
 * Grid trigger with the event's JSON) and answers 202 at once, the outcome going to the logs.
 */
export function handleAdminRequest(
  request: LocalHttpRequest,
  target: AdminTarget,
  keys: HostKeys,
): LocalHttpResponse {
  if (!isAuthorized("admin", request, keys)) return localHttpResponse(401);
  const path = request.url.pathname.toLowerCase();
  if (path === "/admin/host/status" && request.method === "GET") {
    return jsonResponse(200, {
      id: "m2m-local-host",
      state: "Running",
      version: "4.x (m2m local host)",
      processUptime: Math.round(process.uptime() * 1000),
    });
  }
  const invoke = /^\/admin\/functions\/([^/]+)$/.exec(request.url.pathname);
  if (!invoke?.[1] || request.method !== "POST") return localHttpResponse(404);
  const fn = target.lookup(decodeURIComponent(invoke[1]));
  if (!fn) return localHttpResponse(404);
  if (fn.triggerType.toLowerCase() === "httptrigger") {
    return jsonResponse(400, { error: `"${fn.name}" is an HTTP function: call its route instead.` });
  }
  let input: unknown;
  try {
    const text = Buffer.from(request.body).toString("utf8");
    const parsed: unknown = text.trim() ? JSON.parse(text) : {};
    input = typeof parsed === "object" && parsed !== null ? Reflect.get(parsed, "input") : undefined;
  } catch {
    return jsonResponse(400, { error: 'The body must be JSON: {"input": "..."}.' });
  }
  target.invokeWithInput(fn.name, input).catch(() => undefined); // the failure is logged by the invocation
  return localHttpResponse(202);
}
