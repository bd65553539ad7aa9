import { formatSetCookie } from "./formatSetCookie.js";
import type { RpcHttpData, RpcTypedData } from "./functionsCoreTypes.js";
import { localHttpResponse, type LocalHttpResponse } from "./LocalHttp.js";

function bodyBytes(body: RpcTypedData | null | undefined): Buffer {
  if (!body) return Buffer.alloc(0);
  if (body.bytes) return Buffer.from(body.bytes);
  if (typeof body.string === "string") return Buffer.from(body.string, "utf8");
  if (typeof body.json === "string") return Buffer.from(body.json, "utf8");
  return Buffer.alloc(0);
}

/**
 * The HTTP response the function returned (the `http` of its output), as the host writes it: no response at all
 * is 204 No Content, as on Azure.
 */
export function fromRpcHttpResponse(http: RpcHttpData | null | undefined): LocalHttpResponse {
  if (!http) return localHttpResponse(204);
  const status = Number.parseInt(http.statusCode ?? "", 10);
  const headers = new Headers();
  for (const [name, value] of Object.entries(http.headers ?? {})) headers.append(name, value);
  for (const cookie of http.cookies ?? []) headers.append("set-cookie", formatSetCookie(cookie));
  return localHttpResponse(Number.isInteger(status) ? status : 200, headers, bodyBytes(http.body));
}
