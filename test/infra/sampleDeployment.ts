import { readObject, stringLiteral, valueAt } from "./bicepSyntax.js";
import { bicepScope } from "./bicepScope.js";
import { evaluateBicep, type BicepScope, type BicepValue } from "./evaluateBicep.js";
import type { Infra } from "./readInfra.js";

/** The ids and endpoints of the sample deployment. */
export const SAMPLE = {
  tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
  clientId: "11111111-2222-3333-4444-555555555555",
  identityClientId: "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee",
  identityPrincipalId: "99999999-8888-7777-6666-555555555555",
  deployerPrincipalId: "12121212-3434-5656-7878-909090909090",
  scope: "api://m2m-api/.default",
  vaultUri: "https://kv-sample.vault.azure.net/",
  tableEndpoint: "https://stsample.table.core.windows.net/",
  blobEndpoint: "https://stsample.blob.core.windows.net/",
} as const;

/** main.bicep's parameters azd must supply (the others keep their defaults unless a test overrides them). */
export const SAMPLE_PARAMETERS: Readonly<Record<string, BicepValue>> = {
  environmentName: "m2m-dev",
  location: "swedencentral",
  clientId: SAMPLE.clientId,
  scope: SAMPLE.scope,
};

/**
 * What the sample deployment's functions, module outputs and existing resources return. main.bicep may read a
 * module's output only when that module declares it; a module may read a property only of a resource it declares.
 */
const RETURNS: Readonly<Record<string, BicepValue>> = {
  "tenant().tenantId": SAMPLE.tenantId,
  "subscription().id": "/subscriptions/00000000-0000-0000-0000-000000000001",
  "rg.name": "rg-m2m-dev",
  "identity.outputs.id":
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-m2m-dev/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-sample",
  "identity.outputs.clientId": SAMPLE.identityClientId,
  "identity.outputs.principalId": SAMPLE.identityPrincipalId,
  "storage.outputs.name": "stsample",
  "storage.outputs.blobEndpoint": SAMPLE.blobEndpoint,
  "storage.outputs.tableEndpoint": SAMPLE.tableEndpoint,
  "storage.outputs.deploymentContainerUrl": `${SAMPLE.blobEndpoint}app-package-sample`,
  "storage.outputs.deadLetterContainerName": "keyvault-events-deadletter",
  "keyVault.outputs.name": "kv-sample",
  "keyVault.outputs.uri": SAMPLE.vaultUri,
  "monitoring.outputs.appInsightsName": "appi-sample",
  "monitoring.outputs.appInsightsId":
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-m2m-dev/providers/Microsoft.Insights/components/appi-sample",
  "functionApp.outputs.name": "func-sample",
  "functionApp.outputs.defaultHostName": "func-sample.azurewebsites.net",
  "actionGroup.id":
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-m2m-dev/providers/Microsoft.Insights/actionGroups/ag-sample",
  "keyVaultEvents.outputs.systemTopicId":
    "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-m2m-dev/providers/Microsoft.EventGrid/systemTopics/evgt-sample",
  "appInsights.properties.ConnectionString":
    "InstrumentationKey=00000000-0000-0000-0000-000000000002;IngestionEndpoint=https://swedencentral-0.in.applicationinsights.azure.com/",
};

/** One deployment of infra/main.bicep with `parameters`, as far as the tests evaluate it. */
export interface SampleDeployment {
  main: BicepScope;
  /** The scope of the module main.bicep calls `symbol`, with the parameter values main.bicep passes it. */
  module(symbol: string): BicepScope;
  /** The function app's settings (the `appsettings` config resource), evaluated. */
  appSettings(): Record<string, string>;
}

/** Evaluates infra/main.bicep's modules for `parameters` (SAMPLE_PARAMETERS plus overrides), strictly. */
export function sampleDeployment(infra: Infra, overrides: Record<string, BicepValue> = {}): SampleDeployment {
  const main = bicepScope(infra.main, { ...SAMPLE_PARAMETERS, ...overrides }, (path) => {
    const output = /^(\w+)\.outputs\.(\w+)$/.exec(path);
    if (output && !infra.module(output[1]!).file.outputs.has(output[2]!)) {
      throw new Error(`main.bicep reads ${path}, which module ${output[1]!} does not declare`);
    }
    return returned(path);
  });
  const module = (symbol: string) => {
    const called = infra.module(symbol);
    return bicepScope(called.file, called.params(main), (path) => {
      const resource = path.split(".")[0]!;
      if (!called.file.resources.has(resource)) {
        throw new Error(`module ${symbol} reads ${path} of no resource it declares`);
      }
      return returned(path);
    });
  };
  return {
    main,
    module,
    appSettings() {
      const scope = module("functionApp");
      const properties = valueAt(appSettingsResource(infra).body, "properties");
      if (properties === undefined) throw new Error("the appsettings resource has no properties");
      return Object.fromEntries(
        [...readObject(properties)].map(([name, expression]) => {
          const value = evaluateBicep(expression, scope);
          if (typeof value === "object") throw new Error(`app setting ${name} is an object`);
          return [name, String(value)];
        }),
      );
    },
  };
}

/** The function app's `Microsoft.Web/sites/config` resource named `appsettings`, in app/functionApp.bicep. */
export function appSettingsResource(infra: Infra) {
  const found = [...infra.module("functionApp").file.resources.values()].filter(
    (resource) =>
      resource.type === "Microsoft.Web/sites/config" &&
      stringLiteral(readObject(resource.body).get("name") ?? "") === "appsettings",
  );
  if (found.length !== 1) throw new Error(`expected one appsettings resource, found ${found.length}`);
  return found[0]!;
}

function returned(path: string): BicepValue {
  const value = RETURNS[path];
  if (value === undefined) throw new Error(`no sample value for ${path}`);
  return value;
}
