import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { LocalHttpRequest, LocalHttpResponse } from "./LocalHttp.js";

export interface HttpListener {
  /** `http://hostname:port`, no trailing slash. */
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  readonly port: number;
  readonly hostname: string;
  /** The host's default request size limit is 100 MB (413 above it). */
  readonly maxBodyBytes?: number;
  readonly onError: (error: unknown) => void;
}

// Kestrel writes these from the body it sends; a function cannot set them.
const managedHeaders = new Set(["content-length", "transfer-encoding", "connection", "set-cookie"]);

const portOf = (address: string | { port: number } | null): number =>
  typeof address === "object" && address !== null ? address.port : 0;

async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > maxBytes) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

function write(response: ServerResponse, answer: LocalHttpResponse): void {
  response.statusCode = answer.status;
  for (const [name, value] of answer.headers) {
    if (!managedHeaders.has(name)) response.setHeader(name, value);
  }
  const cookies = answer.headers.getSetCookie();
  if (cookies.length > 0) response.setHeader("set-cookie", cookies);
  response.end(answer.body);
}

/** Serves `handle` over plain HTTP; port 0 takes a free port. */
export async function listenHttp(
  handle: (request: LocalHttpRequest) => Promise<LocalHttpResponse>,
  options: ListenOptions,
): Promise<HttpListener> {
  const maxBodyBytes = options.maxBodyBytes ?? 100 * 1024 * 1024;
  const server = createServer((request, response) => {
    void (async () => {
      try {
        const body = await readBody(request, maxBodyBytes);
        if (!body) {
          response.writeHead(413).end();
          return;
        }
        const headers: Record<string, string> = {};
        for (const [name, values] of Object.entries(request.headersDistinct)) {
          if (values) headers[name] = values.join(",");
        }
        const authority = request.headers.host ?? `${options.hostname}:${portOf(server.address())}`;
        const url = new URL(request.url ?? "/", `http://${authority}`);
        write(response, await handle({ method: request.method ?? "GET", url, headers, body }));
      } catch (error) {
        options.onError(error);
        if (!response.headersSent) response.writeHead(500);
        response.end();
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = portOf(server.address());
  const host = options.hostname.includes(":") ? `[${options.hostname}]` : options.hostname;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
