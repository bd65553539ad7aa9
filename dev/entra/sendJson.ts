import type { ServerResponse } from "node:http";

/** Answers with a JSON body. Token responses must not be cached, so every answer says so, as Entra ID's do. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store, no-cache",
    Pragma: "no-cache",
    ...headers,
  });
  response.end(text);
}
