import { randomUUID } from "node:crypto";

/**
 * The Table service's error codes and messages for the statuses a fault answers with, from the Azure Storage REST
 * reference "Common REST API error codes" (https://learn.microsoft.com/rest/api/storageservices/common-rest-api-error-codes):
 * 503 ServerBusy "The server is currently unable to receive requests. Please retry your request." (and, when an
 * account limit is hit, "Operations per second is over the account limit."), 500 OperationTimedOut "The operation
 * could not be completed within the permitted time.", 500 InternalError, 403 AuthenticationFailed.
 */
export function tableErrorFor(status: number): { code: string; message: string } {
  switch (status) {
    case 503:
      return {
        code: "ServerBusy",
        message: "The server is currently unable to receive requests. Please retry your request.",
      };
    case 500:
      return {
        code: "OperationTimedOut",
        message: "The operation could not be completed within the permitted time.",
      };
    case 403:
      return {
        code: "AuthenticationFailed",
        message:
          "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
      };
    default:
      return status >= 500
        ? {
            code: "InternalError",
            message: "The server encountered an internal error. Please retry the request.",
          }
        : { code: "InvalidInput", message: "One of the request inputs is not valid." };
  }
}

/**
 * An error answer as the Table service writes it (JSON is the only format for versions 2015-12-11 and later):
 * `{"odata.error":{"code":…,"message":{"lang":"en-US","value":"<message>\nRequestId:<id>\nTime:<time>"}}}`, with the
 * code also in `x-ms-error-code` (https://learn.microsoft.com/rest/api/storageservices/status-and-error-codes2).
 */
export function tableErrorAnswer(
  error: { code: string; message: string },
  now: Date,
): { headers: Record<string, string>; body: string } {
  const requestId = randomUUID();
  const body = JSON.stringify({
    "odata.error": {
      code: error.code,
      message: {
        lang: "en-US",
        value: `${error.message}\nRequestId:${requestId}\nTime:${now.toISOString()}`,
      },
    },
  });
  return {
    headers: {
      "Content-Type": "application/json;odata=minimalmetadata;streaming=true;charset=utf-8",
      "Content-Length": String(Buffer.byteLength(body)),
      "x-ms-error-code": error.code,
      "x-ms-request-id": requestId,
      "x-ms-version": "2019-02-02",
      Date: now.toUTCString(),
    },
    body,
  };
}
