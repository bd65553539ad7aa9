import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { createSelfSignedCertificate } from "../../src/cli/cert/createSelfSignedCertificate.js";
import type {
  NewVaultCertificatePolicy,
  VaultCertificates,
  VaultCertificateState,
} from "../../src/cli/tenant/VaultCertificates.js";
import { fakeGraph } from "./fakeGraph.js";
import { fakeConnector, runM2m, settingsFile } from "./runM2m.js";

const TENANT = "9a8b7c6d-0000-4000-8000-00000000d0e0";
const APP_ID = "0b0b0b0b-0000-4000-8000-00000000000b";
const OBJECT_ID = "0a0a0a0a-0000-4000-8000-00000000000a";
const GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000";
const MI_CLIENT_ID = "0d0d0d0d-0000-4000-8000-00000000000d";

const appRole = (id: string, value: string) => ({
  id,
  value,
  allowedMemberTypes: ["Application"],
  isEnabled: true,
});
/** A tenant before the bootstrap: the app registration without keys, owners or roles. */
const emptyTenant = () => ({
  objects: {
    [`/applications(appId='${APP_ID}')`]: {
      id: OBJECT_ID,
      appId: APP_ID,
      displayName: "m2m-functions",
      keyCredentials: [],
      passwordCredentials: [],
    },
    [`/servicePrincipals(appId='${APP_ID}')`]: {
      id: "sp-client",
      appId: APP_ID,
      displayName: "m2m-functions",
      appRoles: [],
    },
    [`/servicePrincipals(appId='${GRAPH_APP_ID}')`]: {
      id: "sp-graph",
      appId: GRAPH_APP_ID,
      displayName: "Microsoft Graph",
      appRoles: [appRole("owned-by", "Application.ReadWrite.OwnedBy")],
    },
    [`/servicePrincipals(appId='${MI_CLIENT_ID}')`]: {
      id: "mi-principal",
      appId: MI_CLIENT_ID,
      displayName: "func-m2m",
      appRoles: [],
    },
  },
  collections: {
    "/servicePrincipals": [
      {
        id: "sp-api",
        appId: "api-app",
        displayName: "Reports API",
        appRoles: [appRole("read", "Reports.Read.All")],
      },
    ],
  },
});

function vault(initial: VaultCertificateState, der: Buffer) {
  const created: NewVaultCertificatePolicy[] = [];
  const port: VaultCertificates = {
    vaultUrl: "https://kv.vault.azure.net",
    find: () => Promise.resolve(initial),
    create: (_name, policy) => {
      created.push(policy);
      return Promise.resolve({ der, version: "v1" });
    },
    awaitIssued: () => Promise.reject(new Error("nothing is pending here")),
  };
  return { port, created };
}

const keyVaultSettings = () =>
  settingsFile({
    M2M_TENANT_ID: TENANT,
    M2M_CLIENT_ID: APP_ID,
    M2M_SCOPE: "api://reports/.default",
    M2M_KEYVAULT_URL: "https://kv.vault.azure.net",
    M2M_KEYVAULT_CERTIFICATE_NAME: "m2m-client",
  });

let der: Buffer;
beforeAll(async () => {
  ({ der } = await createSelfSignedCertificate({
    subject: [{ shortName: "CN", value: "m2m-client" }],
    notBefore: new Date("2026-03-01T00:00:00Z"),
    notAfter: new Date("2027-03-01T00:00:00Z"),
    keyBits: 2048,
  }));
});

describe("m2m setup", () => {
  it("creates the Key Vault certificate, registers it, grants the roles and ownership, in that order", async () => {
    const graph = fakeGraph(emptyTenant());
    const kv = vault({ kind: "absent" }, der);
    const result = await runM2m(
      ["setup", "--roles", "Reports.Read.All", "--settings", keyVaultSettings(), "--no-diagnose"],
      fakeConnector({ graph: graph.port, vault: kv.port }),
    );
    expect(result).toMatchObject({ code: 0, err: "" });
    expect(kv.created).toEqual([
      {
        subject: "CN=m2m-client",
        validityMonths: 12,
        keySize: 2048,
        exportable: false,
        emailDaysBeforeExpiry: 14,
      },
    ]);
    expect(graph.writes.map((w) => `${w.method} ${w.path}`)).toEqual([
      `PATCH /applications/${OBJECT_ID}`,
      "POST /servicePrincipals/sp-api/appRoleAssignedTo",
      "POST /servicePrincipals/sp-graph/appRoleAssignedTo",
      `POST /applications/${OBJECT_ID}/owners/$ref`,
    ]);
    expect(graph.writes[0]!.body).toEqual({
      keyCredentials: [
        {
          type: "AsymmetricX509Cert",
          usage: "Verify",
          key: der.toString("base64"),
          displayName: "m2m-client v1",
        },
      ],
    });
    expect(result.out.split("\n").filter((line) => /^[a-z-]+( [a-z]+)?: /.test(line))).toEqual([
      "cert create: created: certificate 'm2m-client' in https://kv.vault.azure.net (version v1)",
      expect.stringMatching(
        /^register-cert: registered: register certificate [0-9A-F]{40} on app registration m2m-functions/,
      ),
      "grant: created: app role Reports.Read.All of Reports API for m2m-functions",
      "grant: created: app role Application.ReadWrite.OwnedBy of Microsoft Graph for m2m-functions",
      "grant: created: m2m-functions's service principal as an owner of its app registration",
    ]);
  });

  it("with --dry-run prints the create request and a registration of the certificate to come, and sends nothing", async () => {
    const graph = fakeGraph(emptyTenant());
    const kv = vault({ kind: "absent" }, der);
    const result = await runM2m(
      ["setup", "--roles", "Reports.Read.All", "--settings", keyVaultSettings(), "--dry-run"],
      fakeConnector({ graph: graph.port, vault: kv.port }),
    );
    expect(result.code).toBe(0);
    expect([kv.created, graph.writes]).toEqual([[], []]);
    expect(result.out).toContain(
      "  POST https://kv.vault.azure.net/certificates/m2m-client/create?api-version=2025-07-01",
    );
    expect(result.out).toContain(`"key": "<certificate DER of 'm2m-client', issued by the step above>"`);
    expect(result.out.match(/^(cert create|register-cert|grant): would send$/gm)).toHaveLength(5);
  });

  it("with a managed identity as the credential: no certificate, the federated credential for M2M_MANAGED_IDENTITY_CLIENT_ID", async () => {
    const graph = fakeGraph(emptyTenant());
    const settings = settingsFile({
      M2M_TENANT_ID: TENANT,
      M2M_CLIENT_ID: APP_ID,
      M2M_SCOPE: "api://reports/.default",
      M2M_CREDENTIAL_SOURCE: "managed-identity-federation",
      M2M_MANAGED_IDENTITY_CLIENT_ID: MI_CLIENT_ID,
    });
    const result = await runM2m(
      ["setup", "--settings", settings, "--no-diagnose"],
      fakeConnector({ graph: graph.port }),
    );
    expect(result.code).toBe(0);
    expect(result.out.split("\n")[0]).toBe(
      "cert create: nothing to do: the app's credential is its managed identity (federated credential, step 3)",
    );
    expect(graph.writes.at(-1)).toMatchObject({
      path: `/applications/${OBJECT_ID}/federatedIdentityCredentials`,
      body: { subject: "mi-principal", issuer: `https://login.microsoftonline.com/${TENANT}/v2.0` },
    });
  });

  it("with a certificate file as the credential: writes M2M_CERTIFICATE_PATH and registers it, once", async () => {
    const dir = mkdtempSync(join(tmpdir(), "m2m-setup-file-"));
    const settings = settingsFile({
      M2M_TENANT_ID: TENANT,
      M2M_CLIENT_ID: APP_ID,
      M2M_SCOPE: "api://reports/.default",
      M2M_CREDENTIAL_SOURCE: "certificate-file",
      M2M_CERTIFICATE_PATH: join(dir, "app.pem"),
    });
    try {
      const graph = fakeGraph(emptyTenant());
      const result = await runM2m(
        ["setup", "--settings", settings, "--no-diagnose"],
        fakeConnector({ graph: graph.port }),
      );
      expect(result.code).toBe(0);
      const written = readFileSync(join(dir, "app.cer"));
      expect(graph.writes[0]!.body).toMatchObject({ keyCredentials: [{ key: written.toString("base64") }] });
      const again = await runM2m(
        ["setup", "--settings", settings, "--no-diagnose"],
        fakeConnector({ graph: graph.port }),
      );
      expect(again.out.split("\n")[0]).toBe(
        `cert create: already there: ${join(dir, "app.pem")} (nothing written; --force replaces it)`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("checks the app's settings as the app does: exit 2 naming every problem", async () => {
    const settings = settingsFile({ M2M_TENANT_ID: TENANT, M2M_KEYVAULT_URL: "https://kv.vault.azure.net" });
    const result = await runM2m(["setup", "--settings", settings], fakeConnector({}));
    expect(result.code).toBe(2);
    expect(result.err).toContain("- M2M_CLIENT_ID is missing: set it to application (client) id GUID");
    expect(result.err).toContain("- M2M_SCOPE is missing");
  });
});
