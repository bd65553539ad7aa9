import { registeredKeyThumbprint } from "../../certificates/registeredKeyThumbprint.js";
import type { GraphApplication } from "../../graph/GraphApplications.js";
import type { GraphWrite } from "./GraphPort.js";

/** The certificate to register: its DER bytes, or a placeholder for one a dry run has not created. */
export type CertificateToRegister =
  | { kind: "known"; der: Buffer; thumbprintSha1: string; displayName: string }
  /** `--dry-run` of `m2m setup`: the certificate would be created by the step before, so it has no bytes yet. */
  | { kind: "not-created"; placeholder: string; displayName: string };

export type KeyRegistrationPlan =
  { kind: "registered"; keyId: string; displayName: string | null } | { kind: "register"; write: GraphWrite };

/**
 * Pure: what `m2m app register-cert` does to an application. A certificate already registered — a keyCredential
 * whose SHA-1 thumbprint (customKeyIdentifier, or the thumbprint of its key) is the certificate's — needs nothing.
 * Otherwise one `PATCH /applications/{id}` of `keyCredentials`: Graph replaces the whole collection with the one sent
 * (https://learn.microsoft.com/graph/api/application-update), so every registered key goes back as Graph returned it
 * — with its keyId, which keeps it — followed by the new certificate (AsymmetricX509Cert, usage Verify, `key` the
 * base64 DER, no dates: Graph takes the certificate's). This is the way in for a first certificate, which has no
 * registered key to sign addKey's proof of possession (https://learn.microsoft.com/graph/api/application-addkey:
 * "Applications that don't have any existing valid certificates … can use the Update application operation"); `az ad
 * app credential reset --append` sends the same body.
 */
export function planKeyRegistration(
  application: GraphApplication,
  certificate: CertificateToRegister,
): KeyRegistrationPlan {
  // A certificate not created yet has no thumbprint, so no registered key can be it.
  if (certificate.kind === "not-created")
    return registration(
      application,
      certificate.placeholder,
      `"${certificate.displayName}"`,
      certificate.displayName,
    );
  const registered = application.keyCredentials.find(
    (key) => registeredKeyThumbprint(key) === certificate.thumbprintSha1,
  );
  if (registered) return { kind: "registered", keyId: registered.keyId, displayName: registered.displayName };
  return registration(
    application,
    certificate.der.toString("base64"),
    certificate.thumbprintSha1,
    certificate.displayName,
  );
}

/** The PATCH that registers a certificate (`der`, its base64 DER or a placeholder) after the keys registered now. */
function registration(
  application: GraphApplication,
  der: string,
  certificateName: string,
  displayName: string,
): KeyRegistrationPlan {
  const kept = application.keyCredentials.map((key) => ({
    keyId: key.keyId,
    type: key.type,
    usage: key.usage,
    displayName: key.displayName,
    customKeyIdentifier: key.customKeyIdentifier,
    startDateTime: key.startDateTime,
    endDateTime: key.endDateTime,
    ...(key.key ? { key: key.key } : {}),
  }));
  const added = { type: "AsymmetricX509Cert", usage: "Verify", key: der, displayName };
  const name = `${application.displayName || application.appId} (appId ${application.appId})`;
  return {
    kind: "register",
    write: {
      method: "PATCH",
      path: `/applications/${application.id}`,
      body: { keyCredentials: [...kept, added] },
      purpose: `register certificate ${certificateName} on app registration ${name}, keeping its ${kept.length} registered key${kept.length === 1 ? "" : "s"}`,
      forbiddenFix:
        `Changing app registration ${name} needs Microsoft Graph's Application.ReadWrite.All as the signed-in person ` +
        `(directory role Application Administrator or Cloud Application Administrator), or being one of its owners ` +
        `('az ad app owner add --id ${application.appId} --owner-object-id <your object id>'). Or upload the .cer in the ` +
        `portal: App registrations > ${application.displayName || application.appId} > Certificates & secrets.`,
    },
  };
}
