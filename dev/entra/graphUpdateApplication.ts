import type { GraphOperation, GraphResponse } from "./graphEndpoint.js";
import { GraphError } from "./GraphError.js";
import { parseKeyCredentialInput, type KeyCredentialInput } from "./parseKeyCredentialInput.js";

const UPDATABLE = ["displayName", "keyCredentials"];

/**
 * `PATCH /applications/{id}` for `displayName` and `keyCredentials`: the administrator's way to set an
 * application's certificates, with no proof of possession (so it works when every certificate has expired). As in
 * Graph, `keyCredentials` replaces the whole collection: an entry whose `keyId` names a registered credential keeps
 * it, an entry with a `key` registers that certificate (dates from the body or the certificate), and registered
 * credentials the body does not list are removed. Everything is checked before anything changes. Answers 204.
 */
export function graphUpdateApplication({ context, app, body }: GraphOperation): GraphResponse {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw GraphError.badRequest("The request body must be a JSON object of application properties.");
  }
  const update = body as Record<string, unknown>;
  const unsupported = Object.keys(update).filter((name) => !UPDATABLE.includes(name));
  if (unsupported.length > 0) {
    throw GraphError.badRequest(
      `The Graph stand-in updates only ${UPDATABLE.join(" and ")}; the body also sets ${unsupported.join(", ")}.`,
    );
  }
  if (update.displayName !== undefined && typeof update.displayName !== "string") {
    throw GraphError.badRequest("displayName must be a string.");
  }

  let keep: Set<string> | null = null;
  const additions: KeyCredentialInput[] = [];
  if (update.keyCredentials !== undefined) {
    if (!Array.isArray(update.keyCredentials)) {
      throw GraphError.badRequest("keyCredentials must be an array: the complete new collection.");
    }
    keep = new Set<string>();
    for (const entry of update.keyCredentials as unknown[]) {
      const keyId = (entry as { keyId?: unknown } | null)?.keyId;
      const registered = app.keyCredentials.find(
        (k) => typeof keyId === "string" && k.keyId.toLowerCase() === keyId.toLowerCase(),
      );
      if (registered) {
        keep.add(registered.keyId);
        continue;
      }
      const input = parseKeyCredentialInput(entry, { withDates: true });
      const start = input.startDateTime ?? input.notBefore;
      const end = input.endDateTime ?? input.notAfter;
      if (Date.parse(end) <= Date.parse(start)) {
        throw GraphError.badRequest(
          `The endDateTime ${end} of certificate ${input.thumbprintSha1} is not after its startDateTime ${start}.`,
        );
      }
      additions.push(input);
    }
    const thumbprints = [
      ...app.keyCredentials.filter((k) => keep?.has(k.keyId)).map((k) => k.customKeyIdentifier),
      ...additions.map((a) => a.thumbprintSha1),
    ];
    const duplicate = thumbprints.find((t, i) => thumbprints.indexOf(t) !== i);
    if (duplicate) {
      throw GraphError.badRequest(`keyCredentials lists the certificate ${duplicate} more than once.`);
    }
  }

  if (typeof update.displayName === "string") context.directory.renameApp(app.clientId, update.displayName);
  if (keep) {
    for (const credential of app.keyCredentials) {
      if (!keep.has(credential.keyId)) context.directory.removeKey(app.clientId, credential.keyId);
    }
    for (const input of additions) {
      context.directory.addCertificate(app.clientId, {
        certPem: input.certPem,
        ...(input.displayName ? { displayName: input.displayName } : {}),
        ...(input.startDateTime ? { startDateTime: input.startDateTime } : {}),
        ...(input.endDateTime ? { endDateTime: input.endDateTime } : {}),
      });
    }
  }
  return { status: 204, body: null };
}
