import type { RpcHttpData, RpcNullableString } from "./functionsCoreTypes.js";
import type { LocalHttpRequest } from "./LocalHttp.js";

const nullable = (entries: Iterable<[string, string]>): Record<string, RpcNullableString> => {
  const result: Record<string, RpcNullableString> = {};
  for (const [key, value] of entries) result[key] = { value };
  return result;
};

/**
 * The HTTP trigger's input as the host sends it to a Node.js worker, which announces RawHttpBodyBytes,
 * RpcHttpBodyOnly and UseNullableValueDictionaryForHttp: the URL as addressed, lower-case header names, query and
 * route parameters as nullable strings (a repeated query key joined with ","), and a non-empty body as bytes.
 */
export function toRpcHttpRequest(
  request: LocalHttpRequest,
  params: Readonly<Record<string, string>>,
): RpcHttpData {
  const query = new Map<string, string[]>();
  for (const [key, value] of request.url.searchParams) {
    // ASP.NET Core's query collection is case-insensitive: the first spelling of a key wins.
    const existing = [...query.keys()].find((k) => k.toLowerCase() === key.toLowerCase()) ?? key;
    query.set(existing, [...(query.get(existing) ?? []), value]);
  }
  const http: RpcHttpData = {
    method: request.method,
    url: request.url.href,
    nullableHeaders: nullable(Object.entries(request.headers)),
    nullableQuery: nullable([...query].map(([key, values]) => [key, values.join(",")])),
    nullableParams: nullable(Object.entries(params)),
  };
  if (request.body.length > 0) http.body = { bytes: request.body };
  return http;
}
