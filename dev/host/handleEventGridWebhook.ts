import { isAuthorized, type HostKeys } from "./isAuthorized.js";
import {
  jsonResponse,
  localHttpResponse,
  type LocalHttpRequest,
  type LocalHttpResponse,
} from "./LocalHttp.js";

/** What the Event Grid webhook needs from the host. */
export interface EventGridTarget {
  lookup(name: string): { readonly name: string; readonly triggerType: string } | undefined;
  deliverEvent(name: string, event: unknown): Promise<unknown>;
}

const field = (value: unknown, key: string): unknown =>
  typeof value === "object" && value !== null ? Reflect.get(value, key) : undefined;

/**
 * `POST /runtime/webhooks/eventgrid?functionName=NAME`, where Event Grid delivers to an Event Grid trigger, as the
 * extension answers it: by the `aeg-event-type` header, the subscription validation handshake (the code from the
 * first event's data; CloudEvents double-encode it), notifications (one event or an array) delivered one by one —
 * 202 when all succeed, 500 otherwise — and unsubscribe (202). Needs the master key here; Azure gives Event Grid
 * the eventgrid_extension system key.
 */
export async function handleEventGridWebhook(
  request: LocalHttpRequest,
  target: EventGridTarget,
  keys: HostKeys,
): Promise<LocalHttpResponse> {
  if (request.method !== "POST") return localHttpResponse(404);
  if (!isAuthorized("admin", request, keys)) return localHttpResponse(401);
  const fn = target.lookup(request.url.searchParams.get("functionName") ?? "");
  if (!fn || fn.triggerType.toLowerCase() !== "eventgridtrigger") return localHttpResponse(404);
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(request.body).toString("utf8"));
  } catch {
    return localHttpResponse(400);
  }
  switch (request.headers["aeg-event-type"]?.toLowerCase()) {
    case "subscriptionvalidation": {
      const data = field(Array.isArray(payload) ? payload[0] : payload, "data");
      const code = field(typeof data === "string" ? JSON.parse(data) : data, "validationCode");
      return typeof code === "string"
        ? jsonResponse(200, { validationResponse: code })
        : localHttpResponse(400);
    }
    case "notification": {
      let failed = false;
      for (const event of Array.isArray(payload) ? payload : [payload]) {
        try {
          await target.deliverEvent(fn.name, event);
        } catch {
          failed = true; // logged by the invocation
        }
      }
      return localHttpResponse(failed ? 500 : 202);
    }
    case "unsubscribe":
      return localHttpResponse(202);
    default:
      return localHttpResponse(400);
  }
}
