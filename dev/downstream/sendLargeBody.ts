import type { ServerResponse } from "node:http";

const CHUNK = Buffer.alloc(64 * 1024, "x");

/**
 * Streams `bytes` bytes of `x` (or a JSON document `{"data":"xxx…"}` of exactly that size), honouring
 * backpressure, so clients can test their body caps without the stand-in holding the body in memory.
 * Without a Content-Length (`chunked`) a client only learns the size by reading.
 */
export async function sendLargeBody(
  response: ServerResponse,
  options: { bytes: number; json: boolean; chunked: boolean; headers: Record<string, string> },
): Promise<void> {
  const prefix = options.json ? '{"data":"' : "";
  const suffix = options.json ? '"}' : "";
  response.writeHead(200, {
    ...options.headers,
    "Content-Type": options.json ? "application/json; charset=utf-8" : "text/plain; charset=utf-8",
    ...(options.chunked ? {} : { "Content-Length": String(options.bytes) }),
  });
  response.write(prefix);
  let remaining = options.bytes - prefix.length - suffix.length;
  while (remaining > 0 && !response.destroyed) {
    const chunk = remaining >= CHUNK.length ? CHUNK : CHUNK.subarray(0, remaining);
    remaining -= chunk.length;
    if (!response.write(chunk)) {
      await drainedOrClosed(response);
    }
  }
  response.end(suffix);
}

function drainedOrClosed(response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off("drain", done);
      response.off("close", done);
      resolve();
    };
    response.on("drain", done);
    response.on("close", done);
  });
}
