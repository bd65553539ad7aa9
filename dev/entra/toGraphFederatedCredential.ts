import type { FederatedIdentityCredential } from "./Directory.js";

/** A federatedIdentityCredential as Graph serialises it (properties in Graph's order). */
export interface GraphFederatedCredentialJson {
  audiences: string[];
  description: string | null;
  id: string;
  issuer: string;
  name: string;
  subject: string;
}

export function toGraphFederatedCredential(
  credential: FederatedIdentityCredential,
): GraphFederatedCredentialJson {
  return {
    audiences: [...credential.audiences],
    description: credential.description || null,
    id: credential.id,
    issuer: credential.issuer,
    name: credential.name,
    subject: credential.subject,
  };
}
