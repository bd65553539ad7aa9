import { randomUUID } from "node:crypto";
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import { sendLargeBody } from "../downstream/sendLargeBody.js";
import type { IdentityFault } from "./IdentityFault.js";
import type { ManagedIdentityErrorBody } from "./managedIdentityEndpoint.js";
import { sendJson } from "./sendJson.js";

/**
 * Answers one managed identity request with `fault` instead of a token (latency is not an answer: the caller waits,
 * then lets the endpoint answer). A hang answers nothing: the client's deadline, or the stand-in's stop(), ends it.
 * A reset destroys the connection after the request was read. Errors carry App Service's error body; 429 and 5xx are
 * the answers a client is told to retry with backoff
 * (https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token#retry-guidance).
 */
export async function answerIdentityFault(
  fault: Exclude<IdentityFault, { kind: "latency" }>,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  const errorBody = (status: number): ManagedIdentityErrorBody => ({
    statusCode: status,
    message: `Injected fault: HTTP ${status} ${STATUS_CODES[status] ?? ""}.`.replace(" .", "."),
    correlationId: randomUUID(),
  });
  switch (fault.kind) {
    case "hang":
      return;
    case "reset":
      request.socket.destroy();
      return;
    case "throttle":
      sendJson(response, 429, errorBody(429), { "Retry-After": fault.retryAfter });
      return;
    case "status":
      if (typeof fault.body === "string") {
        response.writeHead(fault.status, { "Content-Type": "text/html", ...fault.headers });
        response.end(fault.body);
      } else {
        sendJson(response, fault.status, fault.body ?? errorBody(fault.status), fault.headers);
      }
      return;
    case "large":
      await sendLargeBody(response, { bytes: fault.bytes, json: true, chunked: true, headers: {} });
      return;
  }
}
