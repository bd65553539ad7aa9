import type { GraphOperation, GraphResponse } from "./graphEndpoint.js";
import { GraphError } from "./GraphError.js";
import { toGraphFederatedCredential } from "./toGraphFederatedCredential.js";

/** "Maximum of 20 objects can be added to an application" (application-post-federatedidentitycredentials). */
const MAX_PER_APPLICATION = 20;
const MAX_NAME = 120;
const MAX_VALUE = 600;
/** "must be URL friendly": the URL's unreserved characters. */
const URL_FRIENDLY = /^[A-Za-z0-9._~-]+$/;

/**
 * `POST /applications/{id}/federatedIdentityCredentials` (https://learn.microsoft.com/graph/api/application-post-federatedidentitycredentials):
 * 201 with the new credential. The rules of the resource type
 * (https://learn.microsoft.com/graph/api/resources/federatedidentitycredential): `name` required, at most 120
 * characters, URL friendly, unique in the application (an alternate key: Graph answers 409
 * `Request_MultipleObjectsWithSameKeyValue`); `issuer` and `subject` required, at most 600 characters, their
 * combination unique in the application (400 `InvalidFederatedIdentityCredentialValue`, Graph's wording);
 * `audiences` exactly one value ("This field can only accept a single value") of at most 600 characters;
 * `description` optional, at most 600. The messages of the other refusals are stand-in wording.
 */
export function graphCreateFederatedCredential({ context, app, body }: GraphOperation): GraphResponse {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw GraphError.badRequest(
      "The request body must be a federatedIdentityCredential: { name, issuer, subject, audiences }.",
    );
  }
  const input = body as Record<string, unknown>;
  const text = (property: string, max: number): string => {
    const value = input[property];
    if (typeof value !== "string" || value.trim() === "") {
      throw GraphError.badRequest(`The property '${property}' is required: a non-empty string.`);
    }
    if (value.length > max) {
      throw GraphError.badRequest(
        `The property '${property}' has ${value.length} characters; at most ${max}.`,
      );
    }
    return value;
  };
  const name = text("name", MAX_NAME);
  if (!URL_FRIENDLY.test(name)) {
    throw GraphError.badRequest(
      `The name '${name}' is not URL friendly: use letters, digits, '-', '_', '.' and '~'.`,
    );
  }
  const issuer = text("issuer", MAX_VALUE);
  const subject = text("subject", MAX_VALUE);
  const audiences: unknown[] = Array.isArray(input.audiences) ? (input.audiences as unknown[]) : [];
  const audience = audiences.length === 1 ? audiences[0] : undefined;
  if (typeof audience !== "string" || audience.trim() === "" || audience.length > MAX_VALUE) {
    throw GraphError.badRequest(
      "The property 'audiences' must hold exactly one audience of at most 600 characters, e.g. [\"api://AzureADTokenExchange\"].",
    );
  }
  const description = input.description ?? "";
  if (typeof description !== "string" || description.length > MAX_VALUE) {
    throw GraphError.badRequest("The property 'description' must be a string of at most 600 characters.");
  }

  const existing = app.federatedIdentityCredentials;
  if (existing.some((c) => c.name.toLowerCase() === name.toLowerCase())) {
    throw GraphError.federatedCredentialNameExists(name);
  }
  if (existing.some((c) => c.issuer === issuer && c.subject === subject)) {
    throw GraphError.federatedCredentialInvalid(
      `The combination of issuer and subject must be unique for the application. Issuer ${issuer} and Subject: ${subject} already exist. paramName: FederatedIdentityCredential.Subject, paramValue: ${subject}, objectType: Microsoft.Online.DirectoryServices.Application`,
    );
  }
  if (existing.length >= MAX_PER_APPLICATION) {
    throw GraphError.badRequest(
      `Application ${app.objectId} already has ${existing.length} federated identity credentials: a maximum of ${MAX_PER_APPLICATION} can be added to an application.`,
    );
  }
  const created = context.directory.addFederatedCredential(app.clientId, {
    name,
    issuer,
    subject,
    audiences: [audience],
    description,
  });
  return {
    status: 201,
    body: {
      "@odata.context": `${context.graphBaseUrl}/$metadata#applications('${app.objectId}')/federatedIdentityCredentials/$entity`,
      ...toGraphFederatedCredential(created),
    },
  };
}
