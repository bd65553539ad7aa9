import type { IncomingMessage } from "node:http";
import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { BodyTooLargeError } from "../downstream/readRequestBody.js";

const gunzipAsync = promisify(gunzip);

/**
 * A request body as text, gunzipped when the exporter compressed it (`OTEL_EXPORTER_OTLP_COMPRESSION=gzip`).
 * Throws BodyTooLargeError when the body, or what it inflates to, is over `limitBytes`.
 */
export async function readOtlpBody(request: IncomingMessage, limitBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limitBytes) throw new BodyTooLargeError(limitBytes);
    chunks.push(buffer);
  }
  const body = Buffer.concat(chunks);
  if ((request.headers["content-encoding"] ?? "").toLowerCase() !== "gzip") return body.toString("utf8");
  try {
    return (await gunzipAsync(body, { maxOutputLength: limitBytes })).toString("utf8");
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE")
      throw new BodyTooLargeError(limitBytes);
    throw cause;
  }
}
