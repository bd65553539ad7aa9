/** An HTTP request as the local host handles it, from its listener or from `invokeHttp`. */
export interface LocalHttpRequest {
  readonly method: string;
  /** The full URL as the client addressed it (scheme, Host header, path and query). */
  readonly url: URL;
  /** Lower-case names; repeated headers joined with "," as ASP.NET Core joins them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array;
}

/** The host's answer: status, headers (Set-Cookie included) and the body bytes. */
export interface LocalHttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
  text(): string;
  json(): unknown;
}

export function localHttpResponse(
  status: number,
  headers: Headers = new Headers(),
  body: Buffer = Buffer.alloc(0),
) {
  const response: LocalHttpResponse = {
    status,
    headers,
    body,
    text: () => body.toString("utf8"),
    json: (): unknown => JSON.parse(body.toString("utf8")),
  };
  return response;
}

export function jsonResponse(status: number, value: unknown): LocalHttpResponse {
  const headers = new Headers({ "content-type": "application/json; charset=utf-8" });
  return localHttpResponse(status, headers, Buffer.from(JSON.stringify(value)));
}
