import { randomUUID } from "node:crypto";
import { M2mError, TransientError } from "../errors.js";
import type { TokenSource } from "../tokens/TokenSource.js";
import type { GraphApplication, GraphApplications, GraphKeyCredential } from "./GraphApplications.js";

/**
 * Microsoft Graph `applications` over fetch, with the app's own app-only token for `<graph>/.default`.
 * `graphUrl` is the Graph root (https://graph.microsoft.com, a sovereign cloud's, or the local stand-in's).
 */
export function graphApplicationsClient(options: {
  graphUrl: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
  timeoutMs?: number;
}): GraphApplications {
  const root = options.graphUrl.replace(/\/+$/, "").replace(/\/v1\.0$/, "");
  const scope = `${root.includes("127.0.0.1") || root.includes("localhost") ? "https://graph.microsoft.com" : root}/.default`;

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const token = await options.tokens.getToken({ scope });
    const clientRequestId = randomUUID();
    let response: Response;
    try {
      response = await (options.fetch ?? fetch)(`${root}/v1.0${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token.token}`,
          "client-request-id": clientRequestId,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      });
    } catch (error) {
      throw new TransientError(
        "GRAPH_UNREACHABLE",
        `Microsoft Graph ${method} ${path} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    const text = await response.text();
    if (response.ok) return text ? (JSON.parse(text) as unknown) : null;
    let code = `HTTP ${response.status}`;
    let message = text.slice(0, 500);
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } };
      code = parsed.error?.code ?? code;
      message = parsed.error?.message ?? message;
    } catch {
      // not JSON: keep the excerpt
    }
    const requestId = response.headers.get("request-id") ?? "none";
    const text2 = `Microsoft Graph ${method} ${path} answered ${response.status} ${code}: ${message} (client-request-id ${clientRequestId}, request-id ${requestId})`;
    if (response.status === 429 || response.status >= 500)
      throw new TransientError("GRAPH_UNAVAILABLE", text2);
    throw new M2mError(
      response.status === 403
        ? "GRAPH_FORBIDDEN"
        : response.status === 404
          ? "GRAPH_NOT_FOUND"
          : "GRAPH_REJECTED",
      text2,
    );
  }

  return {
    async get(objectId) {
      return (await call(
        "GET",
        `/applications/${encodeURIComponent(objectId)}?$select=id,appId,displayName,keyCredentials,passwordCredentials`,
      )) as GraphApplication;
    },
    async getByAppId(appId) {
      return (await call(
        "GET",
        `/applications(appId='${encodeURIComponent(appId)}')?$select=id,appId,displayName,keyCredentials,passwordCredentials`,
      )) as GraphApplication;
    },
    async addKey(objectId, certificateDerBase64, displayName, proof) {
      return (await call("POST", `/applications/${encodeURIComponent(objectId)}/addKey`, {
        keyCredential: {
          type: "AsymmetricX509Cert",
          usage: "Verify",
          key: certificateDerBase64,
          displayName,
        },
        passwordCredential: null,
        proof,
      })) as GraphKeyCredential;
    },
    async removeKey(objectId, keyId, proof) {
      await call("POST", `/applications/${encodeURIComponent(objectId)}/removeKey`, { keyId, proof });
    },
  };
}
