import type { IncomingMessage, ServerResponse } from "node:http";
import { sendLargeBody } from "../downstream/sendLargeBody.js";
import { GraphError } from "./GraphError.js";
import type { GraphFault } from "./GraphFault.js";
import { sendJson } from "./sendJson.js";

/**
 * Graph's `error.code` for the statuses a fault answers with: 429 `TooManyRequests` (Graph's throttling answer,
 * https://learn.microsoft.com/graph/throttling), 503 `serviceNotAvailable` and otherwise `generalException` (the
 * error codes of https://learn.microsoft.com/graph/errors).
 */
function errorCodeFor(status: number): string {
  if (status === 429) return "TooManyRequests";
  if (status === 503) return "serviceNotAvailable";
  return "generalException";
}

/**
 * Answers one Graph request with `fault` instead of Graph's answer (latency is not an answer: the caller waits,
 * then lets Graph answer). A hang answers nothing: the client's timeout, or the stand-in's stop(), ends it.
 */
export async function answerGraphFault(
  fault: Exclude<GraphFault, { kind: "latency" }>,
  request: IncomingMessage,
  response: ServerResponse,
  ids: { now: Date; requestId: string; clientRequestId: string },
): Promise<void> {
  const headers = { "request-id": ids.requestId, "client-request-id": ids.clientRequestId };
  const graphError = (status: number, code: string, message: string) =>
    new GraphError(status, code, message).toBody(ids);
  switch (fault.kind) {
    case "hang":
      return;
    case "reset":
      request.socket.destroy();
      return;
    case "throttle":
      sendJson(
        response,
        429,
        graphError(429, "TooManyRequests", "Too many requests. Please try again later. (Injected fault.)"),
        { ...headers, "Retry-After": fault.retryAfter },
      );
      return;
    case "unauthorized": {
      const error = GraphError.tokenInvalid("Access token validation failure. (Injected fault.)");
      sendJson(response, 401, error.toBody(ids), { ...headers, ...error.headers });
      return;
    }
    case "status":
      if (typeof fault.body === "string") {
        response.writeHead(fault.status, { ...headers, "Content-Type": "text/html", ...fault.headers });
        response.end(fault.body);
      } else {
        const body = fault.body ?? graphError(fault.status, errorCodeFor(fault.status), "Injected fault.");
        sendJson(response, fault.status, body, { ...headers, ...fault.headers });
      }
      return;
    case "large":
      await sendLargeBody(response, { bytes: fault.bytes, json: true, chunked: true, headers });
      return;
  }
}
