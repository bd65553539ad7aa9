import type { AttemptResponse } from "../../../src/jobs/downstream/classifyAttempt.js";
import type { NetworkErrorDescription } from "../../../src/jobs/downstream/describeNetworkError.js";

/** An attempt's response as sendAttempt reports it: a complete body unless told otherwise. */
export function response(
  status: number,
  options: {
    body?: string;
    headers?: Record<string, string>;
    statusText?: string;
    bodyFailure?: AttemptResponse["bodyFailure"];
  } = {},
): AttemptResponse {
  const data = new TextEncoder().encode(options.body ?? "");
  return {
    kind: "response",
    url: "https://api.example.com/reports",
    status,
    statusText: options.statusText ?? "",
    headers: new Headers(options.headers),
    body: { data, complete: true, truncated: false, error: null },
    bodyFailure: options.bodyFailure ?? null,
  };
}

export const reset: NetworkErrorDescription = { code: "ECONNRESET", summary: "ECONNRESET", hint: null };
export const refused: NetworkErrorDescription = {
  code: "ECONNREFUSED",
  summary: "ECONNREFUSED",
  hint: "nothing is listening at the API's address: check the job's url and that the API is up",
};
