import type { Logger } from "../../logging/Logger.js";
import type { AttemptResponse } from "./classifyAttempt.js";
import { isJsonContentType } from "./isJsonContentType.js";

/**
 * The successful response's JSON: null when it is not declared JSON or is empty, and (with a warning) when it is longer
 * than the body cap or does not parse — a success stays a success.
 */
export function responseJson(
  response: AttemptResponse,
  context: { logger: Logger; log: Record<string, unknown>; maxBodyBytes: number },
): unknown {
  if (!isJsonContentType(response.headers.get("content-type")) || response.body.data.byteLength === 0) {
    return null;
  }
  if (!response.body.complete) {
    context.logger.warn("The API's JSON response is longer than the body cap; it was not parsed", {
      ...context.log,
      maxBodyBytes: context.maxBodyBytes,
    });
    return null;
  }
  try {
    return JSON.parse(new TextDecoder("utf-8").decode(response.body.data));
  } catch {
    context.logger.warn("The API's response is declared JSON but does not parse", {
      ...context.log,
      bytes: response.body.data.byteLength,
    });
    return null;
  }
}
