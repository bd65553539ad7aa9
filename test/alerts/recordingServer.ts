import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

/** One request the server got. */
export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: string;
}

/** What the server answers; "hang" never answers (until the server closes). */
export type Answer = { status: number; body?: string; headers?: Record<string, string> } | "hang";

/**
 * A webhook receiver for channel tests: records every request and answers what it is told (by default 200 "ok").
 * Plain HTTP on 127.0.0.1, or HTTPS when given TLS material (dev/pki/serverTls.ts; run under dev/withDevCa.ts).
 */
export async function startRecordingServer(tls?: { cert: string; key: string }) {
  const requests: RecordedRequest[] = [];
  let answers: Answer[] = [];
  let fallback: Answer = { status: 200, body: "ok" };
  const hanging = new Set<ServerResponse>();

  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
      }
      requests.push({
        method: request.method ?? "",
        url: request.url ?? "",
        headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      const answer = answers.shift() ?? fallback;
      if (answer === "hang") {
        hanging.add(response);
        return;
      }
      response.writeHead(answer.status, answer.headers).end(answer.body ?? "");
    });
  };
  const server = tls ? createHttpsServer(tls, handle) : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    /** e.g. http://127.0.0.1:54321 (https://localhost:54321 with TLS: the certificate names localhost). */
    origin: tls ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
    requests,
    /** Answers for the next requests, in order; then the default. */
    answerNext(...next: Answer[]) {
      answers.push(...next);
    },
    /** The default answer from now on. */
    answerAlways(answer: Answer) {
      fallback = answer;
    },
    reset() {
      requests.length = 0;
      answers = [];
      fallback = { status: 200, body: "ok" };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type RecordingServer = Awaited<ReturnType<typeof startRecordingServer>>;
