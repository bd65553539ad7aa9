import type { AppCredential, CredentialProvider } from "./AppCredential.js";

/** A client secret from app settings. Nothing to reload: a new secret value means a restart with new settings. */
export function clientSecretProvider(secret: string): CredentialProvider {
  const credential: AppCredential = {
    id: "client-secret",
    kind: "client-secret",
    auth: { clientSecret: secret },
    certificate: null,
    signer: null,
    summary: { kind: "client-secret" },
  };
  return { current: () => Promise.resolve(credential), reload: () => Promise.resolve(credential) };
}
