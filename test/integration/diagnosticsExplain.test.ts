import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { StandIns } from "../../dev/startStandIns.js";
import { main } from "../../src/cli/diagnoseCommand.js";
import { testScenario, useStandIns } from "../support/useStandIns.js";

// The identity may read the certificates and sign with their keys: "sealed" is non-exportable, so Key Vault signs.
const scenario = testScenario({
  certificates: [{ name: "app" }, { name: "sealed", exportable: false }],
  clientSecret: true,
  federatedWithManagedIdentity: true,
  vault: { identityRoles: ["Key Vault Certificate User", "Key Vault Crypto User"] },
});
const stand = useStandIns(scenario);
let standIns: StandIns;
beforeAll(() => {
  standIns = stand();
});
afterEach(() => {
  standIns.entra.resetCounters();
  standIns.vault.resetRequests();
});

const tokenEndpoint = () => `${standIns.settings.M2M_AUTHORITY_HOST}/${scenario.tenantId}/oauth2/v2.0/token`;
const signs = () =>
  standIns.vault.requests.filter((r) => r.authenticated && r.method === "POST" && r.path.endsWith("/sign"));

async function explain(settings: Record<string, string>, argv = ["--explain"]) {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((line: string) => void out.push(line));
  const error = vi.spyOn(console, "error").mockImplementation((line: string) => void err.push(line));
  try {
    const code = await main(
      argv,
      { ...standIns.settings, AzureWebJobsStorage: "UseDevelopmentStorage=true", ...settings },
      {
        settingsFile: false,
      },
    );
    return { code, text: out.join("\n"), errors: err.join("\n") };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** The request's first lines, whatever the credential. */
const requestHead = () =>
  [
    `POST ${tokenEndpoint()}`,
    "Content-Type: application/x-www-form-urlencoded",
    "",
    `client_id=${scenario.app.clientId}`,
    "&scope=api://m2m-downstream/.default",
    "&grant_type=client_credentials",
  ].join("\n");

describe("m2m-diagnose --explain", () => {
  it("client secret: the raw request with the secret redacted, and the claims with their meaning", async () => {
    const { code, text } = await explain({
      M2M_CREDENTIAL_SOURCE: "client-secret",
      M2M_CLIENT_SECRET: standIns.clientSecret!,
    });

    expect(code).toBe(0);
    expect(text).toMatch(/^ok {3}token +\d+ ms$/m);
    expect(text).toContain(`${requestHead()}\n&client_secret=<redacted>\n\n`);
    expect(text).not.toContain(standIns.clientSecret!);
    expect(text).toContain('  roles     ["Reports.Read.All"]\n');
    expect(text).toContain("  appidacr  1\n            How the client authenticated: with a client secret");
    expect(text).toContain("  idtyp     app\n");
    expect(text).toContain("  groups    (none)\n            Entra ID puts groups in a token only when");
    expect(text).toContain("  scp       (none)\n            Never in an app-only token");
    // The claims are explained once, not listed by the diagnosis as well; the raw token never appears.
    expect(text).not.toContain("Access token claims (decoded, not validated):");
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]*/);
  });

  it("certificate signed in the process: the assertion's header and claims decoded, never signed or shown encoded", async () => {
    const { code, text } = await explain({});

    expect(code).toBe(0);
    expect(text).toContain(
      `${requestHead()}\n` +
        "&client_assertion=<header>.<claims>.<signature: PS256 by the certificate's key, redacted>\n" +
        "&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer\n",
    );
    // The header shown is the one Entra ID received: the thumbprint of the registered key it matched.
    const received = standIns.entra.tokenRequests.find((r) => r.clientId === scenario.app.clientId);
    expect(received).toMatchObject({ grant: "certificate", alg: "PS256", outcome: "issued" });
    const x5t = Buffer.from(received!.thumbprintSha256!, "hex").toString("base64url");
    expect(text).toContain(
      `<header>, base64url-encoded in the request:\n{\n  "alg": "PS256",\n  "typ": "JWT",\n  "x5t#S256": "${x5t}"\n}\n`,
    );
    expect(text).toContain(`{\n  "aud": "${tokenEndpoint()}",\n  "iss": "${scenario.app.clientId}",\n`);
    expect(text).toContain("signed by MSAL in this process with the certificate's private");
    expect(text).toContain(
      "  appidacr  2\n            How the client authenticated: with a client assertion",
    );
    expect(text).toContain('  roles     ["Reports.Read.All"]\n');
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]*/);
  });

  it("certificate whose key stays in Key Vault: one signature for the token, none for the explanation", async () => {
    const { code, text } = await explain({ M2M_KEYVAULT_CERTIFICATE_NAME: "sealed" });

    expect(code).toBe(0);
    expect(text).toContain("signed by Key Vault (keys/sign) with the certificate's key, which");
    expect(signs()).toHaveLength(1);
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]*/);
  });

  it("managed identity federation: the managed identity token redacted", async () => {
    const { code, text } = await explain({ M2M_CREDENTIAL_SOURCE: "managed-identity-federation" });

    expect(code).toBe(0);
    expect(text).toContain(
      `${requestHead()}\n` +
        "&client_assertion=<managed identity token, redacted>\n" +
        "&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer\n",
    );
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]*/);
  });

  it("shows the request even when Entra ID refuses it, and says there are no claims", async () => {
    const { code, text } = await explain({
      M2M_CREDENTIAL_SOURCE: "client-secret",
      M2M_CLIENT_SECRET: "not-the-secret",
    });

    expect(code).toBe(1);
    expect(text).toContain("Error CLIENT_SECRET_INVALID: ");
    expect(text).toContain("&client_secret=<redacted>\n");
    expect(text).not.toContain("not-the-secret");
    expect(text).toContain("No token was issued, so there are no claims to explain (see the error above).");
  });

  it("refuses --explain with --json: exit 2 and the usage", async () => {
    const { code, errors } = await explain({}, ["--explain", "--json"]);

    expect(code).toBe(2);
    expect(errors).toMatch(
      /^--explain is text for people and does not combine with --json\.\n\nUsage: m2m-diagnose /,
    );
  });
});
