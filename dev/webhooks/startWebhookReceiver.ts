import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import { BodyTooLargeError, readRequestBody } from "../downstream/readRequestBody.js";
import { mergeHeaders } from "../downstream/mergeHeaders.js";
import { redactHeaders } from "../downstream/redactHeaders.js";
import { sendLargeBody } from "../downstream/sendLargeBody.js";
import type { EdgeFault } from "../faults/EdgeFault.js";
import { createEdgeFaultQueue, type EdgeFaultScript } from "../faults/EdgeFaultQueue.js";
import { issueServerTls } from "../pki/serverTls.js";
import { recordSecret } from "../secrets/recordSecret.js";
import { urlTokens } from "../secrets/urlTokens.js";
import { parseWebhookBody } from "./parseWebhookBody.js";
import type { ReceivedWebhook } from "./ReceivedWebhook.js";
import { webhookAnswer } from "./webhookAnswer.js";
import { listenOnLoopback } from "../listenOnLoopback.js";

export type { ReceivedWebhook } from "./ReceivedWebhook.js";
export { checkHmac, type HmacCheck, type VerifyHmacOptions } from "./checkHmac.js";
export { verifyHmac } from "./verifyHmac.js";

export interface WebhookReceiverOptions {
  /** 0 or absent: a free port. */
  port?: number;
  /** Milliseconds since the epoch, for `at`. Default Date.now. */
  now?: () => number;
}

export interface WebhookReceiver {
  /** `https://127.0.0.1:<port>`, no trailing slash. Post to `${url}/teams/…`, `${url}/slack/…` or any other path. */
  url: string;
  /** Deliveries the receiver accepted (answered 2xx), oldest first: what reached the channel. */
  readonly received: ReceivedWebhook[];
  /**
   * Every request, oldest first, failed and refused ones included, each with the status it got (0 for a request that
   * got no answer: a `hang` or `reset` fault).
   */
  readonly attempts: ReceivedWebhook[];
  /** The next `count` requests are answered `status` (default 500), with `headers` (e.g. Retry-After). */
  failNext(count: number, status?: number, headers?: Record<string, string>): void;
  /**
   * Faults for the next deliveries, one per request, in order (checked before `failNext`), in the fault matrix's
   * vocabulary (dev/faults/EdgeFault.ts); `enqueueFor(path, …)` aims them at one path ("/teams/workflow"). See
   * webhookFaultAnswer for what each answers. `reset()` clears them; `stop()` ends hung requests.
   */
  readonly faults: EdgeFaultScript;
  /** Resolves once at least `count` deliveries were accepted; rejects after `timeoutMs` (default 2000). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  /** Forgets what was received and any failures still scheduled. */
  reset(): void;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1_000_000;

/**
 * Answers one delivery with `fault`, as the services misbehave: returns the status it answered, null when it gave no
 * answer (`hang`: the request stays open until the sender gives up or the receiver stops; `reset`: the connection is
 * destroyed), or "forward" after a `latency` fault's wait (the delivery is then answered as usual).
 * - `throttle`: 429 with `Retry-After` — Slack's answer when posting faster than its limit
 *   (https://api.slack.com/docs/rate-limits), and Power Automate's when a flow's request limits are reached
 *   (https://learn.microsoft.com/power-automate/limits-and-config); Slack's body is `rate_limited`, others a JSON error;
 * - `unauthorized`: Slack's 403 `invalid_token`, otherwise 401 with a JSON error;
 * - `status`: that status with `body` (a string as text/html, anything else as JSON), or a JSON error without one;
 * - `large`: a 200 whose body is `bytes` long, streamed without a Content-Length.
 */
async function answerFault(
  fault: EdgeFault,
  path: string,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<number | null | "forward"> {
  const slack = path.startsWith("/slack/");
  const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
    const body = JSON.stringify(value);
    res.writeHead(status, {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Length": String(Buffer.byteLength(body)),
      ...headers,
    });
    res.end(body);
    return status;
  };
  const jsonError = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
    json(status, { error: { code, message } }, headers);
  const text = (status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      "Content-Type": "text/html",
      "Content-Length": String(Buffer.byteLength(body)),
      ...headers,
    });
    res.end(body);
    return status;
  };
  switch (fault.kind) {
    case "hang":
      return null;
    case "reset":
      req.socket.destroy();
      return null;
    case "latency":
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
      return "forward";
    case "throttle":
      return slack
        ? text(429, "rate_limited", { "Retry-After": fault.retryAfter })
        : jsonError(429, "TooManyRequests", "Rate limit is exceeded. (Injected fault.)", {
            "Retry-After": fault.retryAfter,
          });
    case "unauthorized":
      return slack ? text(403, "invalid_token") : jsonError(401, "Unauthorized", "Injected fault.");
    case "status":
      if (fault.body === undefined) {
        return jsonError(fault.status, "InjectedFailure", `answered ${fault.status}`, fault.headers);
      }
      if (typeof fault.body === "string") return text(fault.status, fault.body, fault.headers);
      return json(fault.status, fault.body, fault.headers);
    case "large":
      await sendLargeBody(res, { bytes: fault.bytes, json: true, chunked: true, headers: {} });
      return 200;
  }
}

/**
 * Starts an HTTPS webhook receiver (trusted through the dev CA) that records every delivery and answers as
 * Teams Workflows, Slack incoming webhooks or a generic receiver do, failing on demand to exercise retries.
 */
export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const now = options.now ?? Date.now;
  let received: ReceivedWebhook[] = [];
  let attempts: ReceivedWebhook[] = [];
  let failures: { remaining: number; status: number; headers: Record<string, string> } = {
    remaining: 0,
    status: 500,
    headers: {},
  };
  const waiters = new Set<() => void>();
  const faults = createEdgeFaultQueue();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = (req.method ?? "GET").toUpperCase();
    const parsed = new URL(req.url ?? "/", "https://127.0.0.1");
    for (const token of urlTokens(parsed)) recordSecret("webhook-token", token);
    const headers = redactHeaders(req.headers);
    let body = "";
    let tooLarge = false;
    try {
      body = await readRequestBody(req, MAX_BODY_BYTES);
    } catch (cause) {
      if (!(cause instanceof BodyTooLargeError)) throw cause;
      tooLarge = true;
    }
    const json = parseWebhookBody(body, headers["content-type"]);
    const entry = (status: number): ReceivedWebhook => ({
      at: new Date(now()),
      method,
      path: parsed.pathname,
      query: parsed.search,
      headers,
      body,
      json,
      status,
    });
    const fault = faults.take(parsed.pathname);
    if (fault) {
      const answered = await answerFault(fault, parsed.pathname, req, res);
      if (answered === null) {
        attempts.push(entry(0));
        return;
      }
      if (answered !== "forward") {
        attempts.push(entry(answered));
        if (answered >= 200 && answered < 300) received.push(entry(answered));
        for (const wake of [...waiters]) wake();
        return;
      }
    }
    let answer: { status: number; headers: Record<string, string>; body: string };
    if (failures.remaining > 0) {
      failures.remaining -= 1;
      answer = {
        status: failures.status,
        headers: mergeHeaders({ "Content-Type": "application/json; charset=utf-8" }, failures.headers),
        body: JSON.stringify({
          error: { code: "InjectedFailure", message: `failNext: answered ${failures.status}` },
        }),
      };
    } else if (method !== "POST") {
      answer = { status: 405, headers: { Allow: "POST" }, body: "" };
    } else if (tooLarge) {
      answer = { status: 413, headers: { Connection: "close" }, body: `body over ${MAX_BODY_BYTES} bytes` };
    } else {
      answer = webhookAnswer(parsed.pathname, json, body);
    }
    const delivered = entry(answer.status);
    attempts.push(delivered);
    if (answer.status >= 200 && answer.status < 300) received.push(delivered);
    for (const wake of [...waiters]) wake();
    res.writeHead(
      answer.status,
      // A 204 carries no Content-Length (RFC 9110 §8.6).
      answer.status === 204
        ? answer.headers
        : mergeHeaders(answer.headers, { "Content-Length": String(Buffer.byteLength(answer.body)) }),
    );
    res.end(answer.body);
  }

  const tls = await issueServerTls();
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    handle(req, res).catch((cause: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      res.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
      res.end(`Webhook receiver failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    });
  });
  const url = `https://127.0.0.1:${await listenOnLoopback(server, options.port)}`;
  let stopped: Promise<void> | null = null;

  return {
    url,
    get received() {
      return received;
    },
    get attempts() {
      return attempts;
    },
    failNext(count, status = 500, headers = {}) {
      failures = { remaining: count, status, headers };
    },
    faults,
    waitFor(count, timeoutMs = 2000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (received.length < count) return;
          cleanup();
          resolve(received);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `waited ${timeoutMs} ms for ${count} accepted webhook delivery(ies), got ${received.length} (of ${attempts.length} requests)`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    reset() {
      received = [];
      attempts = [];
      failures = { remaining: 0, status: 500, headers: {} };
      faults.clear();
    },
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
