import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { sendLargeBody } from "../downstream/sendLargeBody.js";
import type { EdgeFault } from "./EdgeFault.js";
import { createEdgeFaultQueue, type EdgeFaultScript } from "./EdgeFaultQueue.js";
import { tableErrorAnswer, tableErrorFor } from "./tableStorageError.js";

/** One request the proxy got, and what it did with it. */
export interface ProxiedTableRequest {
  method: string;
  /** The URL path, without the query. */
  path: string;
  /** What the request names: a table, "Tables" (creating or listing tables) or "$batch" (a transaction). */
  target: string;
  /** For a transaction, the table its operations write (a transaction is one partition of one table). */
  table?: string;
  /** The fault it was answered with, or "forwarded" to Azurite. */
  answer: EdgeFault["kind"] | "forwarded";
  /** Another request was in flight when it came: it was sent beside one, not after every earlier one was answered. */
  overlapped: boolean;
}

export interface TableFaultProxy {
  /** `http://127.0.0.1:<port>/<account>`: a TableEndpoint that reaches Azurite through the proxy. */
  tableEndpoint: string;
  /**
   * Faults for the next requests; `enqueueFor(table | "Tables" | "$batch", …)` aims them at some. A transaction is
   * aimed at by "$batch" and by its table: a fault on a table is a fault on the transactions that write it.
   */
  faults: EdgeFaultScript;
  /** Every request, oldest first. */
  readonly requests: readonly ProxiedTableRequest[];
  /** Closes the proxy and every connection, hung ones included. */
  stop(): Promise<void>;
}

/**
 * A loopback HTTP proxy in front of Azurite's Table service, because Azurite cannot misbehave on demand: each request is
 * forwarded as it is (Shared Key signatures cover the path, not the host), unless a scripted fault is waiting for it.
 * Faults answer as Table Storage does (see tableStorageError.ts):
 * - `status`: that status with the Table service's JSON error (`odata.error`; 503 ServerBusy, 500 OperationTimedOut,
 *   other 5xx InternalError), or with `body` (a string as text/html: a malformed answer; anything else as JSON);
 * - `throttle`: 503 ServerBusy "Operations per second is over the account limit." with `Retry-After` — the SDK's
 *   throttling retry honours Retry-After on 429 and 503 (@azure/core-rest-pipeline throttlingRetryStrategy);
 * - `unauthorized`: 403 AuthenticationFailed, as a bad account key or SAS gets;
 * - `large`: a 200 JSON body of `bytes` bytes, streamed without a Content-Length;
 * - `latency`: waits, then forwards; `reset`: destroys the connection; `hang`: never answers.
 */
export async function startTableFaultProxy(options: {
  /** Azurite's table endpoint, `http://127.0.0.1:<port>/<account>`. */
  tableEndpoint: string;
  now?: () => Date;
}): Promise<TableFaultProxy> {
  const upstream = new URL(options.tableEndpoint);
  const now = options.now ?? (() => new Date());
  const faults = createEdgeFaultQueue();
  const requests: ProxiedTableRequest[] = [];
  let inFlight = 0;

  /** Forwards `req` to Azurite, with `body` when the proxy has read it already. */
  function forward(req: IncomingMessage, res: ServerResponse, body?: Buffer): void {
    const outgoing = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    outgoing.on("error", () => res.destroy());
    res.on("close", () => outgoing.destroy());
    if (body) outgoing.end(body);
    else req.pipe(outgoing);
  }

  function answerError(
    res: ServerResponse,
    status: number,
    error: { code: string; message: string },
    extra = {},
  ) {
    const answer = tableErrorAnswer(error, now());
    res.writeHead(status, { ...answer.headers, ...extra });
    res.end(answer.body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const overlapped = inFlight > 0;
    inFlight += 1;
    res.once("close", () => {
      inFlight -= 1;
    });
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname;
    const target = targetOf(path);
    // A transaction's table is in its body (the operations' request lines): read it before choosing a fault.
    const body = target === "$batch" ? await readBody(req) : undefined;
    const table = body ? transactionTableOf(body) : undefined;
    const fault = table ? faults.take(target, table) : faults.take(target);
    requests.push({
      method: req.method ?? "GET",
      path,
      target,
      ...(table ? { table } : {}),
      answer: fault?.kind ?? "forwarded",
      overlapped,
    });
    if (!fault) return forward(req, res, body);
    switch (fault.kind) {
      case "latency":
        await new Promise((resolve) => setTimeout(resolve, fault.ms));
        return forward(req, res, body);
      case "hang":
        req.resume(); // read what the client sends, and never answer
        return;
      case "reset":
        req.socket.destroy();
        return;
      case "throttle":
        req.resume();
        return answerError(
          res,
          503,
          { code: "ServerBusy", message: "Operations per second is over the account limit." },
          { "Retry-After": fault.retryAfter },
        );
      case "unauthorized":
        req.resume();
        return answerError(res, 403, tableErrorFor(403));
      case "status":
        req.resume();
        if (fault.body === undefined) {
          if (fault.status >= 400)
            return answerError(res, fault.status, tableErrorFor(fault.status), fault.headers);
          res.writeHead(fault.status, { "Content-Length": "0", ...fault.headers });
          res.end();
          return;
        }
        if (typeof fault.body === "string") {
          res.writeHead(fault.status, { "Content-Type": "text/html", ...fault.headers });
          res.end(fault.body);
          return;
        }
        res.writeHead(fault.status, {
          "Content-Type": "application/json;odata=minimalmetadata;streaming=true;charset=utf-8",
          ...fault.headers,
        });
        res.end(JSON.stringify(fault.body));
        return;
      case "large":
        req.resume();
        await sendLargeBody(res, { bytes: fault.bytes, json: true, chunked: true, headers: {} });
        return;
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  let stopped: Promise<void> | null = null;
  return {
    tableEndpoint: `http://127.0.0.1:${port}${upstream.pathname.replace(/\/+$/, "")}`,
    faults,
    requests,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

/** `/account/table(…)` → "table"; `/account/Tables` → "Tables"; `/account/$batch` → "$batch". */
function targetOf(path: string): string {
  const segment = decodeURIComponent(path.split("/")[2] ?? "");
  return segment.replace(/\(.*$/, "");
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * The table a transaction's body writes: its first operation's request line, `POST <endpoint>/<table> HTTP/1.1` or
 * `PUT|MERGE|DELETE <endpoint>/<table>(PartitionKey='…',RowKey='…') HTTP/1.1` (every operation names the same table).
 */
function transactionTableOf(body: Buffer): string | undefined {
  const line = /^(?:GET|POST|PUT|MERGE|PATCH|DELETE) (\S+) HTTP\/1\.1\r?$/m.exec(body.toString("latin1"));
  if (!line?.[1]) return undefined;
  const path = line[1].replace(/[(?].*$/, "");
  return decodeURIComponent(path.slice(path.lastIndexOf("/") + 1)) || undefined;
}
