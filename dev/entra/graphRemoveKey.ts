import type { GraphOperation, GraphResponse } from "./graphEndpoint.js";
import { GraphError } from "./GraphError.js";
import { verifyKeyProof } from "./verifyKeyProof.js";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `POST /applications/{id}/removeKey`: removes a certificate key credential after checking the proof of possession
 * of a current key. Answers 204; the token endpoint refuses the removed certificate at once (AADSTS700027).
 */
export function graphRemoveKey({ context, app, body, nowMs }: GraphOperation): GraphResponse {
  const request =
    typeof body === "object" && body !== null && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : {};
  const keyId = request.keyId;
  if (typeof keyId !== "string" || !GUID.test(keyId)) {
    throw GraphError.badRequest(
      `The 'keyId' property must be the GUID of a key credential of the application; got '${String(keyId)}'.`,
    );
  }
  const signer = verifyKeyProof(request.proof, {
    directory: context.directory,
    app,
    nowMs,
    clockToleranceSeconds: context.clockToleranceSeconds,
  });
  const target = app.keyCredentials.find((k) => k.keyId.toLowerCase() === keyId.toLowerCase());
  if (!target) {
    if (app.passwordCredentials.some((p) => p.keyId.toLowerCase() === keyId.toLowerCase())) {
      throw GraphError.badRequest(
        `Key ${keyId} is a password credential (client secret) of application ${app.objectId}; removeKey removes key credentials (certificates), removePassword removes secrets.`,
      );
    }
    // Stand-in wording and status: Graph's answer for an unknown keyId is not documented.
    throw new GraphError(
      404,
      "Request_ResourceNotFound",
      `No key credential with keyId '${keyId}' exists on application ${app.objectId}.`,
    );
  }
  if (target.keyId === signer.credential.keyId) {
    // Graph does not document removing the key that signed the proof. The stand-in allows it only while another
    // valid certificate remains: otherwise no proof could be signed afterwards and addKey would be impossible.
    const othersValid = context.directory
      .registeredCertificates(app.clientId)
      .filter((c) => c.credential.keyId !== target.keyId)
      .some(
        (c) =>
          Date.parse(c.credential.startDateTime) <= nowMs && nowMs < Date.parse(c.credential.endDateTime),
      );
    if (!othersValid) {
      throw GraphError.badRequest(
        `Refusing to remove key ${keyId}: it signed this proof and is the only valid certificate of application ${app.objectId}, so afterwards no proof could be signed and addKey would be impossible. Add the new certificate first, then remove this one with a proof signed by the new certificate. (Stand-in rule.)`,
      );
    }
  }
  context.directory.removeKey(app.clientId, target.keyId);
  return { status: 204, body: null };
}
