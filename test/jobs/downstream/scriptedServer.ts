import { createServer, type IncomingHttpHeaders, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One scripted answer of the test server. */
export type Step =
  | {
      status: number;
      headers?: Record<string, string>;
      /** Text, or JSON (sent as application/json). */
      body?: string | object;
      /** A text body made from the request (to echo what it carried); instead of `body`. */
      bodyFrom?: (request: ReceivedRequest) => string;
      delayMs?: number;
    }
  /** Never answer. */
  | { hang: true }
  /** Close the socket without a response ("other side closed"). */
  | { destroy: true }
  /** Reset the connection (RST: ECONNRESET at the client). */
  | { reset: true }
  /** Send the status and the start of a body, then stall (never end the response). */
  | { status: number; headers?: Record<string, string>; stall: string }
  /** Send the status, then body bytes until the client goes away (or `totalBytes` are sent). */
  | { status: number; headers?: Record<string, string>; stream: { chunkBytes: number; totalBytes?: number } };

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The client's port: the same port on two requests means the connection was reused. */
  remotePort: number | undefined;
}

/**
 * A real HTTP server on a free loopback port that answers from a queue of steps, in order, and keeps every
 * request it received. An empty queue answers 599 so a test that sends too many requests fails loudly.
 */
export async function startScriptedServer() {
  const queue: Step[] = [];
  const requests: ReceivedRequest[] = [];
  let streamedBytes = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const received: ReceivedRequest = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
        remotePort: req.socket.remotePort,
      };
      requests.push(received);
      const step = queue.shift() ?? { status: 599, body: "no scripted response left" };
      if ("hang" in step) return;
      if ("destroy" in step) return req.socket.destroy();
      if ("reset" in step) return req.socket.resetAndDestroy();
      if ("stall" in step) {
        res.writeHead(step.status, step.headers ?? {});
        return void res.write(step.stall);
      }
      if ("stream" in step) {
        res.writeHead(step.status, step.headers ?? {});
        return stream(
          res,
          step.stream.chunkBytes,
          step.stream.totalBytes ?? Infinity,
          (n) => (streamedBytes += n),
        );
      }
      const body = step.bodyFrom
        ? step.bodyFrom(received)
        : step.body === undefined
          ? ""
          : typeof step.body === "string"
            ? step.body
            : JSON.stringify(step.body);
      const headers = {
        ...(step.body !== null && typeof step.body === "object"
          ? { "content-type": "application/json" }
          : {}),
        ...step.headers,
      };
      const send = () => res.writeHead(step.status, headers).end(body);
      if (step.delayMs) setTimeout(send, step.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    /** Bytes the streaming steps have written so far. */
    streamedBytes: () => streamedBytes,
    answer(...steps: Step[]) {
      queue.push(...steps);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function stream(res: ServerResponse, chunkBytes: number, totalBytes: number, sent: (n: number) => void) {
  let left = totalBytes;
  const chunk = Buffer.alloc(chunkBytes, "x");
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const piece = left >= chunkBytes ? chunk : chunk.subarray(0, left);
      left -= piece.length;
      sent(piece.length);
      if (!res.write(piece)) return void res.once("drain", pump);
    }
    if (left <= 0) res.end();
  };
  res.on("close", () => (left = 0));
  pump();
}
