import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { issueServerTls } from "../pki/serverTls.js";

export interface ReceivedWebhook {
  at: Date;
  path: string;
  headers: Record<string, string>;
  body: string;
  json: unknown;
  /** The status the receiver answered. */
  status: number;
}

export interface WebhookReceiver {
  url: string;
  /** Requests that were accepted (2xx). */
  readonly received: readonly ReceivedWebhook[];
  /** Every request, refused ones included. */
  readonly attempts: readonly ReceivedWebhook[];
  failNext(count: number, status?: number): void;
  reset(): void;
  stop(): Promise<void>;
}

/**
 * Records webhook deliveries and answers like the real services: `/teams/...` 202 (Workflows), `/slack/...` 200 "ok"
 * (400 invalid_payload for bad JSON), anything else 200. `failNext` refuses the next deliveries.
 */
export async function startWebhookReceiver(options: { port?: number } = {}): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const attempts: ReceivedWebhook[] = [];
  let failures: { count: number; status: number } = { count: 0, status: 500 };
  const server = createServer(await issueServerTls(), (request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const path = new URL(request.url ?? "/", "https://localhost").pathname;
      let json: unknown = null;
      try {
        json = JSON.parse(body);
      } catch {
        json = null;
      }
      const entry: ReceivedWebhook = {
        at: new Date(),
        path,
        headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)])),
        body,
        json,
        status: 0,
      };
      attempts.push(entry);
      const answer = (status: number, text: string) => {
        entry.status = status;
        response.writeHead(status, { "content-type": "text/plain" }).end(text);
      };
      if (failures.count > 0) {
        failures.count -= 1;
        return answer(failures.status, "temporarily unavailable");
      }
      if (path.startsWith("/slack/") && json === null) return answer(400, "invalid_payload");
      received.push(entry);
      if (path.startsWith("/teams/")) return answer(202, "");
      return answer(200, path.startsWith("/slack/") ? "ok" : "");
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    attempts,
    failNext(count, status = 500) {
      failures = { count, status };
    },
    reset() {
      received.splice(0);
      attempts.splice(0);
      failures = { count: 0, status: 500 };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Checks a generic-webhook delivery's `X-M2M-Signature` (HMAC-SHA256 over "<timestamp>.<body>"). */
export function verifyHmac(delivery: Pick<ReceivedWebhook, "headers" | "body">, secret: string): boolean {
  const signature = delivery.headers["x-m2m-signature"] ?? "";
  const timestamp = delivery.headers["x-m2m-timestamp"] ?? "";
  const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${delivery.body}`).digest("hex")}`;
  return (
    signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected))
  );
}
