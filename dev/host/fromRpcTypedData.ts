import type { RpcTypedData } from "./functionsCoreTypes.js";

/** A value from an RPC response for a caller to inspect: JSON parsed, bytes as a Buffer, HTTP as the RPC object. */
export function fromRpcTypedData(data: RpcTypedData | null | undefined): unknown {
  if (!data) return undefined;
  if (typeof data.json === "string") return JSON.parse(data.json);
  if (typeof data.string === "string") return data.string;
  if (data.bytes) return Buffer.from(data.bytes);
  if (data.stream) return Buffer.from(data.stream);
  if (data.http) return data.http;
  if (typeof data.int === "number") return data.int;
  if (typeof data.double === "number") return data.double;
  if (data.collectionString?.string) return data.collectionString.string;
  if (data.collectionDouble?.double) return data.collectionDouble.double;
  if (data.collectionSint64?.sint64) return data.collectionSint64.sint64;
  if (data.collectionBytes?.bytes) return data.collectionBytes.bytes.map((b) => Buffer.from(b));
  return undefined;
}
