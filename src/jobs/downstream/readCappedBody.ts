/** A response body read up to a cap. */
export interface CappedBody {
  /** The bytes kept: at most the cap. */
  data: Uint8Array;
  /** The whole body was read (it ended before the cap and without an error). */
  complete: boolean;
  /** Reading stopped because the body was longer than the cap. */
  truncated: boolean;
  /** Reading failed part way (aborted by a timeout, connection closed); `data` holds what arrived before. */
  error: unknown;
}

/**
 * Reads a body stream up to `maxBytes` and stops: the rest is never buffered, and the stream is cancelled so the
 * connection is released. At most one chunk past the cap is received (to tell "exactly the cap" from "more").
 */
export async function readCappedBody(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<CappedBody> {
  if (!body) return { data: new Uint8Array(0), complete: true, truncated: false, error: null };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let kept = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return { data: concat(chunks, kept), complete: true, truncated: false, error: null };
      const room = maxBytes - kept;
      if (value.byteLength > room) {
        if (room > 0) chunks.push(value.subarray(0, room));
        kept += Math.max(0, room);
        await reader.cancel().catch(() => undefined);
        return { data: concat(chunks, kept), complete: false, truncated: true, error: null };
      }
      chunks.push(value);
      kept += value.byteLength;
    }
  } catch (error) {
    return { data: concat(chunks, kept), complete: false, truncated: false, error };
  } finally {
    reader.releaseLock();
  }
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
