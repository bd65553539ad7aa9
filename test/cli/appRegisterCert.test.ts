import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSelfSignedCertificate,
  type SelfSignedCertificate,
} from "../../src/cli/cert/createSelfSignedCertificate.js";
import type { VaultCertificates, VaultCertificateState } from "../../src/cli/tenant/VaultCertificates.js";
import { fakeGraph, FAKE_GRAPH_ROOT } from "./fakeGraph.js";
import { fakeConnector, runM2m, settingsFile } from "./runM2m.js";

const APP_ID = "0b0b0b0b-0000-4000-8000-00000000000b";
const OBJECT_ID = "0a0a0a0a-0000-4000-8000-00000000000a";
const TENANT = "9a8b7c6d-0000-4000-8000-00000000d0e0";
const dir = mkdtempSync(join(tmpdir(), "m2m-register-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let certificate: SelfSignedCertificate;
let thumbprint: string;
let cerPath: string;
beforeAll(async () => {
  certificate = await createSelfSignedCertificate({
    subject: [{ shortName: "CN", value: "m2m-functions" }],
    notBefore: new Date("2026-03-01T00:00:00Z"),
    notAfter: new Date("2027-03-01T00:00:00Z"),
    keyBits: 2048,
  });
  thumbprint = createHash("sha1").update(certificate.der).digest("hex").toUpperCase();
  cerPath = join(dir, "m2m.cer");
  writeFileSync(cerPath, certificate.der);
});

const registeredKey = {
  keyId: "11111111-1111-4111-8111-111111111111",
  customKeyIdentifier: Buffer.from("AB".repeat(20), "hex").toString("base64"),
  displayName: "CN=earlier",
  startDateTime: "2026-01-01T00:00:00Z",
  endDateTime: "2027-01-01T00:00:00Z",
  type: "AsymmetricX509Cert",
  usage: "Verify",
  key: null,
};

function application(keyCredentials: unknown[] = [registeredKey]) {
  return {
    id: OBJECT_ID,
    appId: APP_ID,
    displayName: "m2m-functions",
    keyCredentials,
    passwordCredentials: [],
  };
}

const settings = () => settingsFile({ M2M_TENANT_ID: TENANT, M2M_CLIENT_ID: APP_ID });

describe("m2m app register-cert", () => {
  it("registers a .cer on the app named by M2M_CLIENT_ID, keeping the key already there", async () => {
    const graph = fakeGraph({ objects: { [`/applications(appId='${APP_ID}')`]: application() } });
    const { connect, tenants } = fakeConnector({ graph: graph.port });
    const result = await runM2m(["app", "register-cert", "--cert", cerPath, "--settings", settings()], {
      connect,
    });

    expect(result.code).toBe(0);
    expect(tenants[0]).toEqual({
      tenantId: TENANT,
      authorityHost: "https://login.microsoftonline.com",
      graphUrl: "https://graph.microsoft.com",
    });
    expect(graph.writes).toHaveLength(1);
    expect(graph.writes[0]).toMatchObject({
      method: "PATCH",
      path: `/applications/${OBJECT_ID}`,
      body: {
        keyCredentials: [
          { keyId: registeredKey.keyId, customKeyIdentifier: registeredKey.customKeyIdentifier },
          {
            type: "AsymmetricX509Cert",
            usage: "Verify",
            key: certificate.der.toString("base64"),
            displayName: "CN=m2m-functions",
          },
        ],
      },
    });
    expect(result.out.split("\n").at(-1)).toBe(
      `register-cert: registered: register certificate ${thumbprint} on app registration m2m-functions (appId ${APP_ID}), keeping its 1 registered key`,
    );
  });

  it("finds the app by its object id when no app has that appId", async () => {
    const graph = fakeGraph({ objects: { [`/applications/${OBJECT_ID}`]: application() } });
    const result = await runM2m(
      ["app", "register-cert", "--app", OBJECT_ID, "--cert", cerPath, "--settings", settings()],
      fakeConnector({ graph: graph.port }),
    );
    expect(result.code).toBe(0);
    expect(graph.reads).toEqual([
      `/applications(appId='${OBJECT_ID}')?$select=id,appId,displayName,keyCredentials,passwordCredentials`,
      `/applications/${OBJECT_ID}?$select=id,appId,displayName,keyCredentials,passwordCredentials`,
    ]);
  });

  it("is idempotent: a certificate already registered is reported and nothing is sent", async () => {
    const again = {
      ...registeredKey,
      keyId: "22222222-2222-4222-8222-222222222222",
      customKeyIdentifier: Buffer.from(thumbprint, "hex").toString("base64"),
      displayName: "CN=m2m-functions",
    };
    const graph = fakeGraph({
      objects: { [`/applications(appId='${APP_ID}')`]: application([registeredKey, again]) },
    });
    const result = await runM2m(
      ["app", "register-cert", "--cert", cerPath, "--settings", settings()],
      fakeConnector({ graph: graph.port }),
    );
    expect(graph.writes).toEqual([]);
    expect(result.out.split("\n").at(-1)).toBe(
      `register-cert: already there: the certificate is registered on app registration m2m-functions (appId ${APP_ID}) (keyId 22222222-2222-4222-8222-222222222222, "CN=m2m-functions")`,
    );
  });

  it("prints the PATCH with --dry-run, the certificate by size only, and sends nothing", async () => {
    const graph = fakeGraph({ objects: { [`/applications(appId='${APP_ID}')`]: application() } });
    const result = await runM2m(
      ["app", "register-cert", "--cert", cerPath, "--settings", settings(), "--dry-run"],
      fakeConnector({ graph: graph.port }),
    );
    expect(graph.writes).toEqual([]);
    expect(result.out).toContain(`  PATCH ${FAKE_GRAPH_ROOT}/v1.0/applications/${OBJECT_ID}`);
    expect(result.out).toContain(`"key": "<certificate DER, ${certificate.der.length} bytes>"`);
    expect(result.out).not.toContain(certificate.der.toString("base64").slice(0, 32));
  });

  it("reads the certificate's public part from the .pem of m2m cert create, never needing its key", async () => {
    const pem = join(dir, "with-key.pem");
    writeFileSync(pem, `${certificate.keyPem}${certificate.certPem}`);
    const graph = fakeGraph({ objects: { [`/applications(appId='${APP_ID}')`]: application([]) } });
    await runM2m(
      ["app", "register-cert", "--cert", pem, "--settings", settings()],
      fakeConnector({ graph: graph.port }),
    );
    expect(graph.writes[0]!.body).toEqual({
      keyCredentials: [
        {
          type: "AsymmetricX509Cert",
          usage: "Verify",
          key: certificate.der.toString("base64"),
          displayName: "CN=m2m-functions",
        },
      ],
    });
  });

  describe("from Key Vault", () => {
    const vault = (state: VaultCertificateState): VaultCertificates => ({
      vaultUrl: "https://kv.vault.azure.net",
      find: () => Promise.resolve(state),
      create: () => Promise.reject(new Error("register-cert never creates")),
      awaitIssued: () => Promise.reject(new Error("register-cert never waits")),
    });
    const vaultSettings = () =>
      settingsFile({
        M2M_TENANT_ID: TENANT,
        M2M_CLIENT_ID: APP_ID,
        M2M_KEYVAULT_URL: "https://kv.vault.azure.net",
        M2M_KEYVAULT_CERTIFICATE_NAME: "m2m-client",
      });

    it("registers the latest version of M2M_KEYVAULT_CERTIFICATE_NAME, named as the app's rotation names keys", async () => {
      const graph = fakeGraph({ objects: { [`/applications(appId='${APP_ID}')`]: application([]) } });
      const issued = vault({ kind: "issued", der: certificate.der, version: "v1" });
      const result = await runM2m(
        ["app", "register-cert", "--settings", vaultSettings()],
        fakeConnector({ graph: graph.port, vault: issued }),
      );
      expect(result.code).toBe(0);
      expect(graph.writes[0]!.body).toEqual({
        keyCredentials: [
          {
            type: "AsymmetricX509Cert",
            usage: "Verify",
            key: certificate.der.toString("base64"),
            displayName: "m2m-client v1",
          },
        ],
      });
    });

    it.each([
      [
        { kind: "absent" } as const,
        "CERTIFICATE_NOT_FOUND: Key Vault https://kv.vault.azure.net has no certificate 'm2m-client'. Create it first: m2m cert create --keyvault https://kv.vault.azure.net --name m2m-client",
      ],
      [
        { kind: "pending", status: "inProgress" } as const,
        "CERTIFICATE_NOT_ISSUED: Key Vault https://kv.vault.azure.net is still creating certificate 'm2m-client' (inProgress): run the command again once it is issued.",
      ],
    ])("refuses a certificate the vault has not issued (%j)", async (state, message) => {
      const graph = fakeGraph();
      const result = await runM2m(
        ["app", "register-cert", "--settings", vaultSettings()],
        fakeConnector({ graph: graph.port, vault: vault(state) }),
      );
      expect(result).toMatchObject({ code: 1, err: message });
      expect(graph.reads).toEqual([]);
    });
  });

  it("refuses an expired certificate before asking Graph anything", async () => {
    const expired = join(dir, "expired.cer");
    const old = await createSelfSignedCertificate({
      subject: [{ shortName: "CN", value: "old" }],
      notBefore: new Date("2024-01-01T00:00:00Z"),
      notAfter: new Date("2025-01-01T00:00:00Z"),
      keyBits: 2048,
    });
    writeFileSync(expired, old.der);
    const graph = fakeGraph();
    const result = await runM2m(
      ["app", "register-cert", "--cert", expired, "--settings", settings()],
      fakeConnector({ graph: graph.port }),
    );
    expect(result.code).toBe(1);
    expect(result.err).toMatch(
      /^CERTIFICATE_EXPIRED: Certificate [0-9A-F]{40} \(CN=old\) expired on 2025-01-01T00:00:00.000Z: Entra ID would not accept it\./,
    );
    expect(graph.reads).toEqual([]);
  });

  it("says which app it could not find, and how to check", async () => {
    const result = await runM2m(
      ["app", "register-cert", "--cert", cerPath, "--settings", settings()],
      fakeConnector({ graph: fakeGraph().port }),
    );
    expect(result).toMatchObject({
      code: 1,
      err: `GRAPH_NOT_FOUND: The tenant has no app registration with application (client) id or object id ${APP_ID}. Check --app (or M2M_CLIENT_ID) and that you are signed in to the app's tenant (M2M_TENANT_ID).`,
    });
  });

  it.each([
    [
      ["--cert", "x.cer", "--keyvault", "https://kv.vault.azure.net"],
      "give --cert FILE or --keyvault URL --name NAME, not both",
    ],
    [
      [],
      "give --cert FILE, or --keyvault URL --name NAME (or set M2M_KEYVAULT_URL and M2M_KEYVAULT_CERTIFICATE_NAME)",
    ],
  ])("refuses %j with exit code 2", async (args, problem) => {
    const result = await runM2m(
      ["app", "register-cert", ...args, "--settings", settings()],
      fakeConnector({}),
    );
    expect(result.code).toBe(2);
    expect(result.err.split("\n\n")[0]).toBe(problem);
  });
});
