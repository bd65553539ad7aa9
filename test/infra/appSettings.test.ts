import { readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/loadConfig.js";
import { readRunDeadline } from "../../src/config/readRunDeadline.js";
import { settings, type SettingDoc } from "../../src/config/settings.js";
import { readArray, readObject, stringLiteral, valueAt } from "./bicepSyntax.js";
import { ROOT, readInfra } from "./readInfra.js";
import { SAMPLE, appSettingsResource, sampleDeployment } from "./sampleDeployment.js";

const infra = readInfra();
const functionApp = infra.module("functionApp");
const settingDocs: readonly SettingDoc[] = Object.values(settings);
const hostJson = readFileSync(join(ROOT, "host.json"), "utf8");
const source = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** The settings readKeyVaultCertificate insists on (`reader.required(settings.x, ...)`), by name. */
const keyVaultRequired = [
  ...source("src/config/readKeyVaultCertificate.ts").matchAll(/reader\.required\(settings\.(\w+)/g),
].map((match) => settings[match[1] as keyof typeof settings].name);

/** The signing modes readKeyVaultCertificate accepts. */
const signingModes = JSON.parse(
  /reader\.oneOf\(\s*settings\.keyVaultSigning,\s*(\[[^\]]*\])/.exec(
    source("src/config/readKeyVaultCertificate.ts"),
  )![1]!,
) as string[];

/** The app's loadConfig over the template's settings, reading the shipped host.json. */
function load(appSettings: Record<string, string>) {
  return loadConfig(appSettings, (path) => {
    if (basename(path) !== "host.json") throw new Error(`unexpected read of ${path}`);
    return hostJson;
  });
}

describe("the function app's settings (infra/app/functionApp.bicep)", () => {
  it("set every setting the app requires, and those Key Vault mode requires", () => {
    const required = [
      ...settingDocs.filter((doc) => doc.required === "always").map((doc) => doc.name),
      ...keyVaultRequired,
    ];
    expect(keyVaultRequired).toEqual(["M2M_KEYVAULT_URL", "M2M_KEYVAULT_CERTIFICATE_NAME"]);
    const set = sampleDeployment(infra).appSettings();
    expect(required.filter((name) => !set[name])).toEqual([]);
    expect(set.M2M_CREDENTIAL_SOURCE).toBe("keyvault-certificate");
  });

  it.each(signingModes)("load in the app's own loadConfig with M2M_KEYVAULT_SIGNING=%s", (mode) => {
    const config = load(sampleDeployment(infra, { keyVaultSigning: mode }).appSettings());
    expect(config.credential).toEqual({
      kind: "keyvault-certificate",
      vaultUrl: SAMPLE.vaultUri.replace(/\/$/, ""),
      certificateName: "m2m-client",
      certificateVersion: null,
      refreshMinutes: 10,
      vaultAuth: "managed-identity",
      signing: mode,
    });
    expect(config).toMatchObject({
      tenantId: SAMPLE.tenantId,
      clientId: SAMPLE.clientId,
      scope: SAMPLE.scope,
      managedIdentityClientId: SAMPLE.identityClientId,
      storage: {
        kind: "identity",
        tableServiceUri: SAMPLE.tableEndpoint.replace(/\/$/, ""),
        clientId: SAMPLE.identityClientId,
      },
      runDeadlineMs: 540_000,
      jobs: [],
    });
  });

  it("offer exactly the signing modes the app accepts, wherever the template takes one", () => {
    const allowed = (param: { decorators: ReadonlyMap<string, string> } | undefined) =>
      readArray(param?.decorators.get("allowed") ?? "[]").map(stringLiteral);
    expect(signingModes).toEqual(["auto", "vault", "local"]);
    expect(allowed(infra.main.params.get("keyVaultSigning"))).toEqual(signingModes);
    expect(allowed(functionApp.file.params.get("keyVaultSigning"))).toEqual(signingModes);
    expect(allowed(infra.module("rbac").file.params.get("keyVaultSigning"))).toEqual(signingModes);
  });

  it("take a tenant id given, and the deployment's tenant when it is empty", () => {
    const other = "0f0f0f0f-1e1e-2d2d-3c3c-4b4b4b4b4b4b";
    expect(load(sampleDeployment(infra, { tenantId: other }).appSettings()).tenantId).toBe(other);
    expect(load(sampleDeployment(infra, { tenantId: "" }).appSettings()).tenantId).toBe(SAMPLE.tenantId);
  });

  it("allow run deadlines up to functionTimeout less the record margin, and no longer", () => {
    const maxValue = Number(infra.main.params.get("runDeadlineSeconds")?.decorators.get("maxValue"));
    expect(Number(functionApp.file.params.get("runDeadlineSeconds")?.decorators.get("maxValue"))).toBe(
      maxValue,
    );
    const setting = settings.runDeadlineSeconds;
    expect(readRunDeadline(setting, String(maxValue), hostJson)).toEqual({
      ms: maxValue * 1000,
      problem: null,
    });
    expect(readRunDeadline(setting, String(maxValue + 1), hostJson).problem).toContain(
      `at most ${maxValue}:`,
    );
    const longest = load(sampleDeployment(infra, { runDeadlineSeconds: maxValue }).appSettings());
    expect(longest.runDeadlineMs).toBe(maxValue * 1000);
    expect(() => sampleDeployment(infra, { runDeadlineSeconds: maxValue + 1 }).appSettings()).toThrow(
      `parameter runDeadlineSeconds: ${maxValue + 1} is above @maxValue(${maxValue})`,
    );
  });

  it("take every secret setting from a @secure() parameter, never from a literal", () => {
    const properties = readObject(valueAt(appSettingsResource(infra).body, "properties")!);
    const mainPasses = readObject(valueAt(functionApp.call.body, "params")!);
    const secretNames = new Set(settingDocs.filter((doc) => doc.secret).map((doc) => doc.name));
    const secretsSet = [...properties].filter(([name]) => secretNames.has(name));
    expect(secretsSet.length).toBeGreaterThan(0);
    for (const [name, expression] of secretsSet) {
      const param = functionApp.file.params.get(expression);
      expect(param?.decorators.has("secure"), `${name} = ${expression}`).toBe(true);
      expect(param?.defaultValue, `${name}: a secret's default`).toBe("''");
      const fromMain = mainPasses.get(expression) ?? "";
      expect(
        infra.main.params.get(fromMain)?.decorators.has("secure"),
        `main.bicep passes ${expression}`,
      ).toBe(true);
    }
  });

  it("name only settings the app reads (a misspelt M2M_ setting fails here)", () => {
    const known = new Set(settingDocs.map((doc) => doc.name));
    const set = Object.keys(sampleDeployment(infra).appSettings());
    expect(set.filter((name) => name.startsWith("M2M_") && !known.has(name))).toEqual([]);
  });

  it("leave out the settings Flex Consumption deprecates", () => {
    // "Flex Consumption plan deprecations", https://learn.microsoft.com/azure/azure-functions/functions-app-settings#flex-consumption-plan-deprecations
    const deprecated = [
      "FUNCTIONS_WORKER_RUNTIME",
      "FUNCTIONS_EXTENSION_VERSION",
      "WEBSITE_RUN_FROM_PACKAGE",
      "WEBSITE_CONTENTSHARE",
      "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
      "WEBSITE_NODE_DEFAULT_VERSION",
      "SCM_DO_BUILD_DURING_DEPLOYMENT",
      "ENABLE_ORYX_BUILD",
      "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
    ];
    const set = Object.keys(sampleDeployment(infra).appSettings());
    expect(set.filter((name) => deprecated.includes(name))).toEqual([]);
  });

  it("connect the Functions host's storage and Application Insights as the app's identity, without keys", () => {
    const set = sampleDeployment(infra).appSettings();
    expect(set.AzureWebJobsStorage).toBeUndefined();
    expect(set.M2M_STORAGE_CONNECTION).toBeUndefined();
    expect(set).toMatchObject({
      AzureWebJobsStorage__credential: "managedidentity",
      AzureWebJobsStorage__clientId: SAMPLE.identityClientId,
      AzureWebJobsStorage__blobServiceUri: SAMPLE.blobEndpoint,
      AzureWebJobsStorage__tableServiceUri: SAMPLE.tableEndpoint,
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: `Authorization=AAD;ClientId=${SAMPLE.identityClientId}`,
      M2M_KEYVAULT_AUTH: "managed-identity",
      M2M_MANAGED_IDENTITY_CLIENT_ID: SAMPLE.identityClientId,
    });
    expect(set.APPLICATIONINSIGHTS_CONNECTION_STRING).toMatch(/^InstrumentationKey=/);
  });
});

describe("infra/main.parameters.json", () => {
  const parameters = (
    JSON.parse(readFileSync(join(ROOT, "infra", "main.parameters.json"), "utf8")) as {
      parameters: Record<string, { value: string }>;
    }
  ).parameters;

  it("gives main.bicep's parameters their values, each from the azd environment", () => {
    expect(Object.keys(parameters).filter((name) => !infra.main.params.has(name))).toEqual([]);
    const missing = [...infra.main.params.values()].filter(
      (param) => param.defaultValue === null && !(param.name in parameters),
    );
    expect(missing.map((param) => param.name)).toEqual([]);
    for (const [name, { value }] of Object.entries(parameters)) {
      expect(value, name).toMatch(/^\$\{[A-Z][A-Z0-9_]*(=[^}]*)?\}$/);
    }
  });

  it("names app settings correctly and repeats main.bicep's defaults", () => {
    const known = new Set(settingDocs.map((doc) => doc.name));
    for (const [name, { value }] of Object.entries(parameters)) {
      const [, variable, fallback] = /^\$\{(\w+)(?:=([^}]*))?\}$/.exec(value)!;
      if (variable!.startsWith("M2M_")) expect(known.has(variable!), `${name}: ${variable!}`).toBe(true);
      if (fallback !== undefined) {
        const bicepDefault = infra.main.params.get(name)!.defaultValue!;
        expect(stringLiteral(bicepDefault) ?? bicepDefault, name).toBe(fallback);
      }
    }
  });
});
