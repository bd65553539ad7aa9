import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GRAPH_READ_PERMISSIONS } from "../../src/graph/graphReadForbiddenFix.js";
import { readArray, readObject, stringLiteral, valueAt } from "./bicepSyntax.js";
import { evaluateBicep } from "./evaluateBicep.js";
import type { BicepResource } from "./readBicep.js";
import { ROOT, readInfra } from "./readInfra.js";
import { sampleDeployment } from "./sampleDeployment.js";

const infra = readInfra();
const source = (path: string) => readFileSync(join(ROOT, path), "utf8");

/** The one resource of `type` (not an `existing` reference) under infra/. */
function resource(type: string): BicepResource {
  const found = [...infra.files.values()].flatMap((file) =>
    [...file.resources.values()].filter((r) => r.type === type && !r.existing),
  );
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0]!;
}

const at = (target: BicepResource, path: string) => valueAt(target.body, path);
const text = (target: BicepResource, path: string) => stringLiteral(at(target, path) ?? "");

describe("infra/", () => {
  it("is main.bicep and the modules it calls, each a file the tests read", () => {
    expect(infra.main.targetScope).toBe("subscription");
    const called = [...infra.main.modules.keys()].map((symbol) => infra.module(symbol).path);
    expect(["main.bicep", ...called].sort()).toEqual([...infra.files.keys()].sort());
  });

  it("keeps the vault's data plane under Azure RBAC, with purge protection", () => {
    const vault = resource("Microsoft.KeyVault/vaults");
    expect(at(vault, "properties.enableRbacAuthorization")).toBe("true");
    expect(at(vault, "properties.enablePurgeProtection")).toBe("true");
    expect(at(vault, "properties.enableSoftDelete")).toBe("true");
    expect(at(vault, "properties.accessPolicies")).toBeUndefined();
  });

  it("turns shared keys and anonymous blob access off on the storage account", () => {
    const storage = resource("Microsoft.Storage/storageAccounts");
    expect(at(storage, "properties.allowSharedKeyAccess")).toBe("false");
    expect(at(storage, "properties.allowBlobPublicAccess")).toBe("false");
    expect(text(storage, "properties.minimumTlsVersion")).toBe("TLS1_2");
  });

  it("turns local authentication off on Application Insights and Log Analytics", () => {
    expect(at(resource("Microsoft.Insights/components"), "properties.DisableLocalAuth")).toBe("true");
    expect(
      at(resource("Microsoft.OperationalInsights/workspaces"), "properties.features.disableLocalAuth"),
    ).toBe("true");
  });

  it("runs the app on a Flex Consumption plan with the Node.js major version package.json asks for", () => {
    const plan = resource("Microsoft.Web/serverfarms");
    expect([text(plan, "sku.name"), text(plan, "sku.tier")]).toEqual(["FC1", "FlexConsumption"]);
    const app = resource("Microsoft.Web/sites");
    expect(text(app, "kind")).toBe("functionapp,linux");
    expect(text(app, "properties.functionAppConfig.runtime.name")).toBe("node");
    const engines = (JSON.parse(source("package.json")) as { engines: { node: string } }).engines.node;
    expect(engines).toMatch(/^>=(\d+) <\d+$/);
    expect(text(app, "properties.functionAppConfig.runtime.version")).toBe(/^>=(\d+)/.exec(engines)![1]);
    expect(text(app, "properties.functionAppConfig.deployment.storage.authentication.type")).toBe(
      "UserAssignedIdentity",
    );
    expect(text(app, "identity.type")).toBe("UserAssigned");
  });

  it("tags the function app for azd's service api", () => {
    expect(at(resource("Microsoft.Web/sites"), "tags")).toBe("union(tags, { 'azd-service-name': 'api' })");
  });
});

describe("Key Vault events (infra/app/keyVaultEvents.bicep)", () => {
  const subscription = resource("Microsoft.EventGrid/systemTopics/eventSubscriptions");

  it("come from a system topic on the vault", () => {
    const topic = resource("Microsoft.EventGrid/systemTopics");
    expect(text(topic, "properties.topicType")).toBe("Microsoft.KeyVault.vaults");
    expect(at(topic, "properties.source")).toBe("vault.id");
    expect(infra.module("keyVaultEvents").file.resources.get("vault")?.type).toBe(
      "Microsoft.KeyVault/vaults",
    );
  });

  it("are exactly the event types keyvault-events handles", () => {
    const handler = source("src/functions/keyVaultEventHandler.ts");
    const prefix = /const PREFIX = "([\w.]+)";/.exec(handler)![1];
    const handled = [...handler.matchAll(/case "(\w+)":/g)].map((match) => `${prefix}${match[1]!}`);
    const subscribed = readArray(at(subscription, "properties.filter.includedEventTypes")!).map(
      stringLiteral,
    );
    expect(subscribed.sort()).toEqual(handled.sort());
    expect(handled).toHaveLength(3);
  });

  it("go to the keyvault-events function in the Event Grid schema", () => {
    const registered = /app\.eventGrid\("([\w-]+)"/.exec(source("src/functions/keyVaultEvents.ts"))![1];
    expect(text(subscription, "name")).toBe(registered);
    expect(text(subscription, "properties.destination.endpointType")).toBe("AzureFunction");
    expect(at(subscription, "properties.destination.properties.resourceId")).toBe(
      `'\${functionApp.id}/functions/${registered}'`,
    );
    expect(text(subscription, "properties.eventDeliverySchema")).toBe("EventGridSchema");
  });

  it("are dead-lettered to the storage account's dead-letter container, written with the topic's identity", () => {
    const deadLetter = "properties.deadLetterWithResourceIdentity";
    expect(text(subscription, `${deadLetter}.identity.type`)).toBe("SystemAssigned");
    expect(text(subscription, `${deadLetter}.deadLetterDestination.endpointType`)).toBe("StorageBlob");
    expect(at(subscription, `${deadLetter}.deadLetterDestination.properties.resourceId`)).toBe("storage.id");
    expect(at(subscription, `${deadLetter}.deadLetterDestination.properties.blobContainerName`)).toBe(
      "deadLetterContainer.name",
    );
    expect(readObject(at(resource("Microsoft.EventGrid/systemTopics"), "identity")!).get("type")).toBe(
      "'SystemAssigned'",
    );
  });

  it("are subscribed only once the code is deployed (subscribeKeyVaultEvents, off by default)", () => {
    expect(subscription.condition).toBe("subscribe");
    expect(infra.main.params.get("subscribeKeyVaultEvents")?.defaultValue).toBe("false");
    const subscribe = (value: boolean) =>
      evaluateBicep(
        subscription.condition!,
        sampleDeployment(infra, { subscribeKeyVaultEvents: value }).module("keyVaultEvents"),
      );
    expect([subscribe(false), subscribe(true)]).toEqual([false, true]);
  });
});

describe("main.bicep's outputs", () => {
  const outputs = infra.main.outputs;

  it("give the bootstrap (m2m setup) the vault, the certificate, the app registration and the identity", () => {
    for (const name of [
      "M2M_TENANT_ID",
      "M2M_CLIENT_ID",
      "M2M_KEYVAULT_URL",
      "M2M_KEYVAULT_CERTIFICATE_NAME",
      "M2M_KEYVAULT_SIGNING",
      "M2M_MANAGED_IDENTITY_CLIENT_ID",
      "MANAGED_IDENTITY_PRINCIPAL_ID",
      "AZURE_FUNCTION_APP_NAME",
      "SERVICE_API_NAME",
    ]) {
      expect(outputs.has(name), name).toBe(true);
    }
    const main = sampleDeployment(infra).main;
    expect(evaluateBicep(outputs.get("M2M_KEYVAULT_URL")!.value, main)).toBe(
      "https://kv-sample.vault.azure.net/",
    );
  });

  it("name the Graph permission Bicep cannot grant, with the id the app's own fix names", () => {
    const name = stringLiteral(
      outputs.get("GRAPH_APP_PERMISSION")!.value,
    ) as keyof typeof GRAPH_READ_PERMISSIONS;
    expect(name).toBe("Application.ReadWrite.OwnedBy");
    expect(stringLiteral(outputs.get("GRAPH_APP_PERMISSION_ID")!.value)).toBe(GRAPH_READ_PERMISSIONS[name]);
  });
});
