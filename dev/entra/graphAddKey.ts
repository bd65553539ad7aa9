import type { GraphOperation, GraphResponse } from "./graphEndpoint.js";
import { GraphError } from "./GraphError.js";
import { parseKeyCredentialInput } from "./parseKeyCredentialInput.js";
import { toGraphKeyCredential } from "./toGraphApplication.js";
import { verifyKeyProof } from "./verifyKeyProof.js";

/**
 * `POST /applications/{id}/addKey`: registers the certificate of `keyCredential` after checking the proof of
 * possession of a current key. The new key's start and end are the certificate's validity; it is in the directory
 * the token endpoint reads, so the certificate can be used for client credentials at once. Answers 200 with the new
 * keyCredential (Graph's shape, `key` null).
 */
export function graphAddKey({ context, app, body, nowMs }: GraphOperation): GraphResponse {
  const request = asObject(body);
  const input = parseKeyCredentialInput(request.keyCredential, { withDates: false });
  verifyKeyProof(request.proof, {
    directory: context.directory,
    app,
    nowMs,
    clockToleranceSeconds: context.clockToleranceSeconds,
  });
  const existing = context.directory.findCertificate(app.clientId, { sha1: input.thumbprintSha1 });
  if (existing) {
    // Stand-in wording: Graph refuses a second key credential for the same certificate.
    throw GraphError.badRequest(
      `A key credential with the certificate ${input.thumbprintSha1} already exists on application ${app.objectId} (keyId ${existing.credential.keyId}).`,
    );
  }
  const credential = context.directory.addCertificate(app.clientId, {
    certPem: input.certPem,
    ...(input.displayName ? { displayName: input.displayName } : {}),
  });
  return {
    status: 200,
    body: {
      "@odata.context": `${context.graphBaseUrl}/$metadata#microsoft.graph.keyCredential`,
      ...toGraphKeyCredential(credential, false),
    },
  };
}

function asObject(body: unknown): Record<string, unknown> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw GraphError.badRequest(
      "The request body must be a JSON object: { keyCredential, passwordCredential, proof }.",
    );
  }
  return body as Record<string, unknown>;
}
