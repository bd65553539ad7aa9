import { STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import { sendLargeBody } from "../downstream/sendLargeBody.js";
import { KeyVaultError } from "./KeyVaultError.js";
import type { VaultFault } from "./VaultFault.js";

/**
 * Key Vault's error code for a status a fault answers with, in its envelope `{ "error": { "code", "message" } }`
 * (https://learn.microsoft.com/azure/key-vault/general/rest-error-codes): 429 is `Throttled` (see
 * KeyVaultError.throttled); the 5xx codes are stand-in wording, the reason phrase without spaces.
 */
function errorFor(status: number): KeyVaultError {
  if (status === 429) return KeyVaultError.throttled(1);
  const code = (STATUS_CODES[status] ?? "Error").replace(/[^A-Za-z]/g, "");
  return new KeyVaultError(
    status,
    code,
    `Injected fault: HTTP ${status} ${STATUS_CODES[status] ?? ""}.`.trim(),
  );
}

/**
 * Answers one Key Vault request with `fault` instead of the vault's answer (latency is not an answer: the caller
 * waits, then lets the vault answer). A hang answers nothing: the client's deadline, or the stand-in's stop(), ends
 * it. A reset destroys the connection after the request was read, as a crashed front end does. Throttling follows
 * Key Vault's: 429 with Retry-After (https://learn.microsoft.com/azure/key-vault/general/overview-throttling).
 */
export async function answerVaultFault(
  fault: Exclude<VaultFault, { kind: "latency" }>,
  request: IncomingMessage,
  response: ServerResponse,
  context: { challenge: string; headers: Record<string, string> },
): Promise<void> {
  const send = (error: KeyVaultError, extra: Record<string, string> = {}) => {
    response.writeHead(error.status, {
      "Content-Type": "application/json; charset=utf-8",
      ...context.headers,
      ...error.headers,
      ...extra,
    });
    response.end(JSON.stringify(error.toBody()));
  };
  switch (fault.kind) {
    case "hang":
      return;
    case "reset":
      request.socket.destroy();
      return;
    case "throttle":
      send(KeyVaultError.throttled(fault.retryAfter));
      return;
    case "unauthorized":
      // Stand-in wording; the challenge is the service's, so the SDK fetches a token and sends the request again.
      send(KeyVaultError.invalidToken("Injected fault: the token was refused.", context.challenge));
      return;
    case "status":
      if (fault.body === undefined) {
        send(errorFor(fault.status), fault.headers);
      } else if (typeof fault.body === "string") {
        response.writeHead(fault.status, {
          ...context.headers,
          "Content-Type": "text/html",
          ...fault.headers,
        });
        response.end(fault.body);
      } else {
        response.writeHead(fault.status, {
          "Content-Type": "application/json; charset=utf-8",
          ...context.headers,
          ...fault.headers,
        });
        response.end(JSON.stringify(fault.body));
      }
      return;
    case "large":
      await sendLargeBody(response, {
        bytes: fault.bytes,
        json: true,
        chunked: true,
        headers: context.headers,
      });
      return;
  }
}
