/**
 * The service's own error code of a Table Storage SDK error ("EntityAlreadyExists", "AuthorizationFailure", ...),
 * from the OData JSON body, the XML body (authentication failures) or the x-ms-error-code header.
 */
export function storageErrorCode(error: unknown): string | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const response = (error as { response?: unknown }).response;
  if (typeof response !== "object" || response === null) return undefined;
  const body = (response as { parsedBody?: unknown }).parsedBody;
  if (typeof body === "object" && body !== null) {
    const odata = (body as { odataError?: { code?: unknown } }).odataError;
    if (typeof odata?.code === "string") return odata.code;
    const xmlCode = (body as { Code?: unknown }).Code;
    if (typeof xmlCode === "string") return xmlCode;
  }
  const headers = (response as { headers?: { get?: (name: string) => string | undefined } }).headers;
  const header = typeof headers?.get === "function" ? headers.get("x-ms-error-code") : undefined;
  return typeof header === "string" && header ? header : undefined;
}
