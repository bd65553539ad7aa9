import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import { sendLargeBody } from "../downstream/sendLargeBody.js";
import { EntraError } from "./EntraError.js";
import { sendJson } from "./sendJson.js";
import type { TokenFault } from "./TokenFault.js";

/**
 * Answers one token request with `fault` instead of a token (latency is not an answer: the caller waits, then lets
 * the endpoint answer). A hang answers nothing: the client's timeout, or the stand-in's stop(), ends it. A reset
 * destroys the connection after the request was read, as a crashed front end does. A large body is streamed: the
 * returned promise settles once it is sent (or the client went away).
 */
export async function answerTokenFault(
  fault: Exclude<TokenFault, { kind: "latency" }>,
  request: IncomingMessage,
  response: ServerResponse,
  ids: { now: Date; correlationId?: string; requestId: string },
): Promise<void> {
  const headers = {
    "x-ms-request-id": ids.requestId,
    ...(ids.correlationId ? { "client-request-id": ids.correlationId } : {}),
  };
  const sendText = (status: number, text: string, extra: Record<string, string> = {}) => {
    response.writeHead(status, {
      "Content-Type": "text/plain",
      "Content-Length": Buffer.byteLength(text),
      ...headers,
      ...extra,
    });
    response.end(text);
  };
  switch (fault.kind) {
    case "hang":
      return;
    case "reset":
      request.socket.destroy();
      return;
    case "throttle":
      sendText(429, "Too Many Requests", { "Retry-After": fault.retryAfter });
      return;
    case "status":
      if (fault.body === undefined && fault.status === 503) {
        const error = EntraError.temporarilyUnavailable();
        sendJson(
          response,
          503,
          error.toBody({ now: ids.now, ...(ids.correlationId ? { correlationId: ids.correlationId } : {}) }),
          {
            ...headers,
            ...fault.headers,
          },
        );
      } else if (fault.body === undefined || typeof fault.body === "string") {
        sendText(fault.status, fault.body ?? STATUS_CODES[fault.status] ?? "Error", fault.headers);
      } else {
        sendJson(response, fault.status, fault.body, { ...headers, ...fault.headers });
      }
      return;
    case "large":
      await sendLargeBody(response, { bytes: fault.bytes, json: true, chunked: true, headers });
      return;
  }
}
