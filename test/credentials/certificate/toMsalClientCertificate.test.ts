import {
  ConfidentialClientApplication,
  type INetworkModule,
  type NetworkRequestOptions,
  type NetworkResponse,
  type NodeAuthOptions,
} from "@azure/msal-node";
import { constants, verify, X509Certificate } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { CertificateCredential } from "../../../src/credentials/certificate/CertificateCredential.js";
import { parseCertificateMaterial } from "../../../src/credentials/certificate/parseCertificateMaterial.js";
import { toMsalClientCertificate } from "../../../src/credentials/certificate/toMsalClientCertificate.js";
import { certificateFixtures, type CertificateFixtures } from "./fixtures.js";

let f: CertificateFixtures;
let credential: CertificateCredential;

beforeAll(async () => {
  f = await certificateFixtures();
  credential = await parseCertificateMaterial(
    { kind: "pem", text: f.root.certPem + f.leaf.keyPem + f.intermediate.certPem + f.leaf.certPem },
    "certificate file /home/site/app.pem",
  );
});

describe("toMsalClientCertificate", () => {
  it("gives the SHA-256 thumbprint and the key, without x5c unless asked", () => {
    expect(toMsalClientCertificate(credential, { thumbprint: "sha256", sendX5c: false })).toEqual({
      thumbprintSha256: f.leaf.thumbprintSha256,
      privateKey: f.leaf.keyPem,
    });
  });

  it("gives the deprecated SHA-1 thumbprint when asked, and x5c as the PEM chain, leaf first", () => {
    expect(toMsalClientCertificate(credential, { thumbprint: "sha1", sendX5c: true })).toEqual({
      thumbprint: f.leaf.thumbprintSha1,
      privateKey: f.leaf.keyPem,
      x5c: f.leaf.certPem + f.intermediate.certPem + f.root.certPem,
    });
  });

  it("fits MSAL's auth.clientCertificate option", () => {
    const clientCertificate: NodeAuthOptions["clientCertificate"] = toMsalClientCertificate(credential, {
      thumbprint: "sha256",
      sendX5c: true,
    });

    expect(clientCertificate?.privateKey).toBe(credential.privateKeyPem);
  });
});

describe("toMsalClientCertificate with MSAL Node", () => {
  const authorityHost = "https://login.m2m.test";
  const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  const tokenEndpoint = `${authorityHost}/${tenantId}/oauth2/v2.0/token`;

  /** Answers the token request and keeps its form body: MSAL is given no real network. */
  function recordingNetwork(): { network: INetworkModule; bodies: string[] } {
    const bodies: string[] = [];
    const respond = <T>(status: number, body: unknown): Promise<NetworkResponse<T>> =>
      Promise.resolve({ status, headers: { "content-type": "application/json" }, body: body as T });
    return {
      bodies,
      network: {
        sendGetRequestAsync: <T>(url: string) =>
          respond<T>(404, { error: "not_found", error_description: url }),
        sendPostRequestAsync: <T>(url: string, options?: NetworkRequestOptions) => {
          bodies.push(options?.body ?? "");
          if (url.split("?")[0] !== tokenEndpoint)
            return respond<T>(404, { error: "not_found", error_description: url });
          return respond<T>(200, {
            token_type: "Bearer",
            expires_in: 3600,
            access_token: "header.payload.signature",
          });
        },
      },
    };
  }

  async function clientAssertion(options: { thumbprint: "sha256" | "sha1"; sendX5c: boolean }) {
    const { network, bodies } = recordingNetwork();
    const app = new ConfidentialClientApplication({
      auth: {
        clientId: "11111111-2222-3333-4444-555555555555",
        authority: `${authorityHost}/${tenantId}`,
        knownAuthorities: ["login.m2m.test"],
        authorityMetadata: JSON.stringify({
          token_endpoint: tokenEndpoint,
          authorization_endpoint: `${authorityHost}/${tenantId}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${authorityHost}/${tenantId}/oauth2/v2.0/logout`,
          issuer: `${authorityHost}/${tenantId}/v2.0`,
          jwks_uri: `${authorityHost}/${tenantId}/discovery/v2.0/keys`,
        }),
        clientCertificate: toMsalClientCertificate(credential, options),
      },
      system: { networkClient: network },
    });
    await app.acquireTokenByClientCredential({ scopes: ["api://reports/.default"] });
    expect(bodies).toHaveLength(1);
    const jwt = new URLSearchParams(bodies[0]).get("client_assertion") ?? "";
    const [header = "", payload = "", signature = ""] = jwt.split(".");
    return {
      header: JSON.parse(Buffer.from(header, "base64url").toString("utf8")) as Record<string, unknown>,
      signedData: `${header}.${payload}`,
      signature: Buffer.from(signature, "base64url"),
    };
  }

  it("signs a PS256 assertion with x5t#S256 = the SHA-256 thumbprint and x5c = the chain, leaf first", async () => {
    const assertion = await clientAssertion({ thumbprint: "sha256", sendX5c: true });

    expect(assertion.header).toEqual({
      alg: "PS256",
      typ: "JWT",
      "x5t#S256": Buffer.from(f.leaf.thumbprintSha256, "hex").toString("base64url"),
      x5c: [f.leaf.derBase64, f.intermediate.derBase64, f.root.derBase64],
    });
    const publicKey = new X509Certificate(f.leaf.certPem).publicKey;
    const pss = { key: publicKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    expect(verify("sha256", Buffer.from(assertion.signedData), pss, assertion.signature)).toBe(true);
  });

  it("signs an RS256 assertion with x5t = the SHA-1 thumbprint, and no x5c unless asked", async () => {
    const assertion = await clientAssertion({ thumbprint: "sha1", sendX5c: false });

    expect(assertion.header).toEqual({
      alg: "RS256",
      typ: "JWT",
      x5t: Buffer.from(f.leaf.thumbprintSha1, "hex").toString("base64url"),
    });
    const publicKey = new X509Certificate(f.leaf.certPem).publicKey;
    expect(verify("sha256", Buffer.from(assertion.signedData), publicKey, assertion.signature)).toBe(true);
  });
});
