import { ConfidentialClientApplication } from "@azure/msal-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEntraStandIn, type EntraStandIn } from "../../dev/entra/startEntraStandIn.js";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import { parseCertificateMaterial } from "../../src/credentials/certificate/parseCertificateMaterial.js";
import { buildKeyProof } from "../../src/graph/buildKeyProof.js";
import { graphApplicationsClient } from "../../src/graph/graphApplicationsClient.js";
import type { TokenSource } from "../../src/tokens/TokenSource.js";

let standIn: EntraStandIn;
let current: IssuedCertificate;
let next: IssuedCertificate;

beforeAll(async () => {
  [standIn, current, next] = await Promise.all([
    startEntraStandIn(),
    issueCertificate({ subject: "CN=client-current" }),
    issueCertificate({ subject: "CN=client-next" }),
  ]);
});
afterAll(async () => {
  await standIn?.stop();
});

/** The app's tokens through MSAL Node with one certificate, as the product's TokenSource hands them out. */
function tokensWith(clientId: string, certificate: IssuedCertificate): TokenSource {
  const client = new ConfidentialClientApplication({
    auth: {
      clientId,
      authority: standIn.authority,
      knownAuthorities: [new URL(standIn.authorityHost).host],
      authorityMetadata: JSON.stringify(standIn.metadata),
      clientCertificate: { thumbprintSha256: certificate.thumbprintSha256, privateKey: certificate.keyPem },
    },
  });
  return {
    async getToken(options) {
      const scope = options?.scope ?? "";
      const result = await client.acquireTokenByClientCredential({ scopes: [scope] });
      if (!result) throw new Error("MSAL returned no result");
      return {
        token: result.accessToken,
        expiresOn: result.expiresOn ?? new Date(),
        scope,
        fromCache: result.fromCache ?? false,
        credentialId: certificate.thumbprintSha256,
      };
    },
  };
}

const signer = (c: IssuedCertificate) =>
  parseCertificateMaterial({ kind: "pem", text: c.keyPem + c.certPem }, "test");

describe("the product's Graph client against the stand-in", () => {
  it("finds its application by appId, adds the new certificate and removes the old one", async () => {
    const app = standIn.registerApp({ displayName: "product client" });
    standIn.addCertificate(app.clientId, { certPem: current.certPem });
    const graph = graphApplicationsClient({
      graphUrl: standIn.graphBaseUrl,
      tokens: tokensWith(app.clientId, current),
    });

    const found = await graph.getByAppId(app.clientId);
    expect(found).toMatchObject({ id: app.objectId, appId: app.clientId });
    const [old] = found.keyCredentials;
    expect(old).toMatchObject({ key: current.derBase64 }); // $select=keyCredentials returns the key

    const added = await graph.addKey(
      found.id,
      next.derBase64,
      "CN=client-next",
      buildKeyProof(signer(current), found.id, new Date()),
    );
    expect(added.customKeyIdentifier).toBe(Buffer.from(next.thumbprintSha1, "hex").toString("base64"));

    await graph.removeKey(found.id, old?.keyId ?? "", buildKeyProof(signer(next), found.id, new Date()));
    expect(standIn.getApp(app.clientId)?.keyCredentials.map((k) => k.customKeyIdentifier)).toEqual([
      next.thumbprintSha1,
    ]);
    expect(standIn.graphRequests.map((r) => `${r.method} ${r.status}`)).toEqual([
      "GET 200",
      "POST 200",
      "POST 204",
    ]);
  });
});
