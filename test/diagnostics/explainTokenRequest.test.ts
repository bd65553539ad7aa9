import { describe, expect, it } from "vitest";
import { explainTokenRequest, type TokenRequestShape } from "../../src/diagnostics/explainTokenRequest.js";

const CLIENT = "11111111-2222-4333-8444-555555555555";
const ENDPOINT = "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token";
const base: Omit<TokenRequestShape, "credential"> = {
  tokenEndpoint: ENDPOINT,
  clientId: CLIENT,
  scope: "api://m2m-downstream/.default",
};

const request = (fields: string[]) => [
  "The token request, as raw HTTP (secrets, tokens and signatures redacted):",
  "",
  `POST ${ENDPOINT}`,
  "Content-Type: application/x-www-form-urlencoded",
  "",
  `client_id=${CLIENT}`,
  "&scope=api://m2m-downstream/.default",
  "&grant_type=client_credentials",
  ...fields,
  "",
  "One field per line for reading: the body is one line, the fields joined by '&'. MSAL also sends its library",
  "and telemetry fields (x-client-SKU, x-client-VER, x-client-OS, x-client-CPU, x-ms-lib-capability,",
  "client-request-id, x-client-current-telemetry, x-client-last-telemetry); Entra ID needs none of them.",
  "",
];

describe("explainTokenRequest", () => {
  it("shows a client secret request with the secret redacted and says what travels", () => {
    expect(explainTokenRequest({ ...base, credential: { kind: "client-secret" } })).toBe(
      [
        ...request(["&client_secret=<redacted>"]),
        "client_secret: the secret itself travels in every token request (client_secret_post); whoever has it can act",
        "as the app until it expires or is removed. A certificate sends only a signed, 10-minute assertion; a managed",
        "identity federation sends no credential of the app at all.",
      ].join("\n"),
    );
  });

  it("shows a certificate assertion as header and claims decoded, the signature redacted, the chain abbreviated", () => {
    const text = explainTokenRequest({
      ...base,
      credential: {
        kind: "certificate",
        signedIn: "vault",
        header: {
          alg: "PS256",
          typ: "JWT",
          "x5t#S256": "q83vEjRWeJA",
          x5c: ["A".repeat(1200), "B".repeat(900)],
        },
        claims: {
          aud: ENDPOINT,
          iss: CLIENT,
          sub: CLIENT,
          jti: "7c9e",
          nbf: 1800000000,
          iat: 1800000000,
          exp: 1800000600,
        },
      },
    });
    expect(text).toBe(
      [
        ...request([
          "&client_assertion=<header>.<claims>.<signature: PS256 by the certificate's key, redacted>",
          "&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ]),
        "<header>, base64url-encoded in the request:",
        "{",
        '  "alg": "PS256",',
        '  "typ": "JWT",',
        '  "x5t#S256": "q83vEjRWeJA",',
        '  "x5c": [',
        '    "<the certificate: base64 DER, 1200 characters>",',
        '    "<issuer 1: base64 DER, 900 characters>"',
        "  ]",
        "}",
        "<claims>, base64url-encoded in the request (an example: each assertion has its own jti and times):",
        "{",
        `  "aud": "${ENDPOINT}",`,
        `  "iss": "${CLIENT}",`,
        `  "sub": "${CLIENT}",`,
        '  "jti": "7c9e",',
        '  "nbf": 1800000000,',
        '  "iat": 1800000000,',
        '  "exp": 1800000600',
        "}",
        '<signature>: PS256 over "<header>.<claims>", signed by Key Vault (keys/sign) with the certificate\'s key, which',
        "never leaves the vault. aud is the token endpoint, iss and sub the client id, the assertion is valid for 10",
        `minutes. Entra ID finds the certificate registered on app registration ${CLIENT} by`,
        "x5t#S256, its SHA-256 thumbprint, and verifies the signature with its public key: no secret travels.",
      ].join("\n"),
    );
  });

  it("says MSAL signs in the process for a local key, and names the SHA-1 thumbprint under RS256", () => {
    const text = explainTokenRequest({
      ...base,
      credential: {
        kind: "certificate",
        signedIn: "local",
        header: { alg: "RS256", typ: "JWT", x5t: "q83vEjRWeJA" },
        claims: { aud: ENDPOINT },
      },
    });
    expect(text).toContain(
      "&client_assertion=<header>.<claims>.<signature: RS256 by the certificate's key, redacted>\n",
    );
    expect(text).toContain(
      '<signature>: RS256 over "<header>.<claims>", signed by MSAL in this process with the certificate\'s private',
    );
    expect(text).toContain(" by x5t, its SHA-1\nthumbprint, and verifies the signature");
  });

  it("shows a managed identity federation with the managed identity token redacted", () => {
    expect(
      explainTokenRequest({
        ...base,
        credential: { kind: "managed-identity-federation", audience: "api://AzureADTokenExchange" },
      }),
    ).toBe(
      [
        ...request([
          "&client_assertion=<managed identity token, redacted>",
          "&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ]),
        "client_assertion: a token the Function app's managed identity gets from Entra ID for the audience",
        `api://AzureADTokenExchange. App registration ${CLIENT} trusts it through a`,
        "federated identity credential (the identity's issuer, its object id as subject, that audience): the app keeps",
        "no secret and no certificate, so nothing can leak or expire.",
      ].join("\n"),
    );
  });

  it("percent-encodes what would break the form body and keeps ':' and '/' readable", () => {
    const text = explainTokenRequest({
      ...base,
      scope: "https://api.contoso.com/a b&c=d+e%/.default",
      credential: { kind: "client-secret" },
    });
    expect(text).toContain("\n&scope=https://api.contoso.com/a%20b%26c%3Dd%2Be%25/.default\n");
  });
});
