import { directoryFields } from "./directoryFields.js";

/** A federated identity credential of an application (Graph's `federatedIdentityCredential`). */
export interface FederatedCredentialInfo {
  name: string;
  issuer: string;
  subject: string;
  audiences: string[];
}

/** Pure: a Graph `federatedIdentityCredential` object, checked (GRAPH_RESPONSE_INVALID when it is not one). */
export function parseFederatedCredential(value: unknown, what: string): FederatedCredentialInfo {
  const fields = directoryFields(value, what);
  return {
    name: fields.string("name"),
    issuer: fields.string("issuer"),
    subject: fields.string("subject"),
    audiences: fields.strings("audiences"),
  };
}
