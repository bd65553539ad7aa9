import { wrapText } from "./wrapText.js";

/** RFC 7523's assertion type: the client authenticates with a JWT (a signed certificate assertion or a token). */
export const JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/** How the app proves who it is in a token request, as the explanation shows it: nothing secret in it. */
export type RequestCredential =
  | { kind: "client-secret" }
  | {
      kind: "certificate";
      /** Where the certificate's key signs: MSAL in this process, or Key Vault (`keys/sign`). */
      signedIn: "local" | "vault";
      /** The assertion's header and claims, decoded; the signature is never part of it. */
      header: Record<string, unknown>;
      claims: Record<string, unknown>;
    }
  | { kind: "managed-identity-federation"; audience: string };

/** A client credentials token request, without its secrets. */
export interface TokenRequestShape {
  tokenEndpoint: string;
  clientId: string;
  scope: string;
  credential: RequestCredential;
}

const WIDTH = 110;

/**
 * The token request as raw HTTP, the way a tutorial would show it: the endpoint, the content type and the form fields
 * one per line, in the order MSAL Node writes them (ClientCredentialClient: client_id, scope, grant_type, then the
 * credential). Secrets, tokens and signatures are placeholders; a certificate assertion's header and claims are shown
 * decoded.
 */
export function explainTokenRequest(request: TokenRequestShape): string {
  const { credential } = request;
  // Values are percent-encoded as in the body; placeholders (<...>) stand for what is not shown and are not.
  const form: [string, string][] = [
    ["client_id", formValue(request.clientId)],
    ["scope", formValue(request.scope)],
    ["grant_type", "client_credentials"],
  ];
  if (credential.kind === "client-secret") {
    form.push(["client_secret", "<redacted>"]);
  } else {
    const assertion =
      credential.kind === "certificate"
        ? `<header>.<claims>.<signature: ${algorithmOf(credential.header)} by the certificate's key, redacted>`
        : "<managed identity token, redacted>";
    form.push(["client_assertion", assertion], ["client_assertion_type", formValue(JWT_BEARER)]);
  }
  const lines = [
    "The token request, as raw HTTP (secrets, tokens and signatures redacted):",
    "",
    `POST ${request.tokenEndpoint}`,
    "Content-Type: application/x-www-form-urlencoded",
    "",
    ...form.map(([name, value], i) => `${i === 0 ? "" : "&"}${name}=${value}`),
    "",
    ...prose(
      "One field per line for reading: the body is one line, the fields joined by '&'. MSAL also sends its " +
        "library and telemetry fields (x-client-SKU, x-client-VER, x-client-OS, x-client-CPU, x-ms-lib-capability, " +
        "client-request-id, x-client-current-telemetry, x-client-last-telemetry); Entra ID needs none of them.",
    ),
    "",
    ...credentialNotes(request),
  ];
  return lines.join("\n");
}

function credentialNotes(request: TokenRequestShape): string[] {
  const { credential } = request;
  if (credential.kind === "client-secret") {
    return prose(
      "client_secret: the secret itself travels in every token request (client_secret_post); whoever has it can " +
        "act as the app until it expires or is removed. A certificate sends only a signed, 10-minute assertion; " +
        "a managed identity federation sends no credential of the app at all.",
    );
  }
  if (credential.kind === "managed-identity-federation") {
    return prose(
      `client_assertion: a token the Function app's managed identity gets from Entra ID for the audience ` +
        `${credential.audience}. App registration ${request.clientId} trusts it through a federated identity ` +
        "credential (the identity's issuer, its object id as subject, that audience): the app keeps no secret " +
        "and no certificate, so nothing can leak or expire.",
    );
  }
  const header = abbreviateChain(credential.header);
  const algorithm = algorithmOf(credential.header);
  const thumbprint = "x5t#S256" in credential.header ? "x5t#S256, its SHA-256" : "x5t, its SHA-1";
  const signer =
    credential.signedIn === "vault"
      ? "by Key Vault (keys/sign) with the certificate's key, which never leaves the vault"
      : "by MSAL in this process with the certificate's private key";
  return [
    "<header>, base64url-encoded in the request:",
    ...JSON.stringify(header, null, 2).split("\n"),
    "<claims>, base64url-encoded in the request (an example: each assertion has its own jti and times):",
    ...JSON.stringify(credential.claims, null, 2).split("\n"),
    ...prose(
      `<signature>: ${algorithm} over "<header>.<claims>", signed ${signer}. aud is the token endpoint, iss and ` +
        "sub the client id, the assertion is valid for 10 minutes. Entra ID finds the certificate registered on app " +
        `registration ${request.clientId} by ${thumbprint} thumbprint, and verifies the signature with its public ` +
        "key: no secret travels.",
    ),
  ];
}

/** `alg` of the assertion's header (PS256, or RS256 under SHA-1 thumbprints). */
function algorithmOf(header: Record<string, unknown>): string {
  return typeof header.alg === "string" ? header.alg : "the certificate's algorithm";
}

/** The chain (`x5c`) is public but long: one placeholder per certificate, with its size. */
function abbreviateChain(header: Record<string, unknown>): Record<string, unknown> {
  if (!Array.isArray(header.x5c)) return header;
  const chain = header.x5c.map(
    (der, i) =>
      `<${i === 0 ? "the certificate" : `issuer ${i}`}: base64 DER, ${String(der).length} characters>`,
  );
  return { ...header, x5c: chain };
}

/**
 * Percent-encodes what would break a form body (`&`, `=`, `+`, `%`, spaces ...) and keeps `:` and `/` readable: still
 * a valid application/x-www-form-urlencoded value, and the scope reads as the setting does.
 */
function formValue(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ":").replace(/%2F/gi, "/");
}

function prose(text: string): string[] {
  return wrapText(text, WIDTH, "");
}
