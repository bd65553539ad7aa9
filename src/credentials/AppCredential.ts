import type { NodeAuthOptions } from "@azure/msal-node";
import type { Deadline } from "../clock/Deadline.js";
import type { PublicCertificate } from "./certificate/PublicCertificate.js";
import type { CertificateSigner } from "./signing/CertificateSigner.js";

/** One usable version of the app's credential for Entra ID, ready for MSAL. */
export interface AppCredential {
  /**
   * Identifies this version of the credential (certificate thumbprint, file content hash, ...).
   * A new id means a new MSAL client: MSAL reuses its signed assertion per client object.
   */
  id: string;
  kind: "keyvault-certificate" | "certificate-file" | "client-secret" | "managed-identity-federation";
  /** The part of MSAL's auth options that carries the credential. Holds secrets: never log it. */
  auth: Pick<NodeAuthOptions, "clientCertificate" | "clientSecret" | "clientAssertion">;
  /** The certificate in use, for certificate sources (its key may be in Key Vault: see `summary.signing`). */
  certificate: PublicCertificate | null;
  /** What signs with the certificate's key (here or in Key Vault), for certificate sources. */
  signer: CertificateSigner | null;
  /** Log-safe description: source, version, thumbprints, validity. */
  summary: Record<string, unknown>;
}

/**
 * Where the token path gets its credential. Loads lazily, then serves the loaded one. With a `deadline` (the
 * invocation's), whatever a call asks of Key Vault or the managed identity endpoint ends by it, in TIMED_OUT naming
 * the edge that did not answer.
 */
export interface CredentialProvider {
  /** The credential to use now. The first call loads it; later calls may check for a newer version. */
  current(deadline?: Deadline): Promise<AppCredential>;
  /** Loads the credential again (after Entra ID rejected it, or an event said it changed). */
  reload(reason: string, deadline?: Deadline): Promise<AppCredential>;
}
