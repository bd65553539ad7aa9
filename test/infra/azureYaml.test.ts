import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./readInfra.js";

interface Hook {
  shell: string;
  run: string;
}
interface AzureYaml {
  name: string;
  services: Record<string, { project: string; language: string; host: string; dist?: string }>;
  hooks: Record<string, { posix: Hook; windows: Hook }>;
  workflows: { up: { steps: { azd: string }[] } };
}

// The azure.yaml schema: https://learn.microsoft.com/azure/developer/azure-developer-cli/azd-schema
const azureYaml = parse(readFileSync(join(ROOT, "azure.yaml"), "utf8")) as AzureYaml;
const DEPLOY = /^deploy api --from-package (\S+\.zip)$/;

describe("azure.yaml", () => {
  it("declares the service api: this project, JavaScript, hosted on Azure Functions", () => {
    expect(azureYaml.name).toBe("m2m-functions");
    expect(azureYaml.services).toEqual({ api: { project: ".", language: "js", host: "function" } });
  });

  it("builds the package with the project's own script before deploying, on every platform", () => {
    expect(azureYaml.hooks.predeploy).toEqual({
      posix: { shell: "sh", run: "npm run package" },
      windows: { shell: "pwsh", run: "npm run package" },
    });
  });

  it("provisions, deploys the package as built, then provisions again to subscribe keyvault-events", () => {
    const steps = azureYaml.workflows.up.steps.map((step) => step.azd);
    expect(steps).toHaveLength(3);
    expect(steps[0]).toBe("provision");
    expect(steps[1]).toMatch(DEPLOY);
    expect(steps[2]).toBe("provision");
    const subscribe = "azd env set KEYVAULT_EVENTS_SUBSCRIBE true";
    expect(azureYaml.hooks.postdeploy).toEqual({
      posix: { shell: "sh", run: subscribe },
      windows: { shell: "pwsh", run: subscribe },
    });
    const parameters = readFileSync(join(ROOT, "infra", "main.parameters.json"), "utf8");
    expect(parameters).toContain(
      '"subscribeKeyVaultEvents": {\n      "value": "${KEYVAULT_EVENTS_SUBSCRIBE=false}"',
    );
  });

  it("deploys the zip npm run package writes", () => {
    const zip = DEPLOY.exec(azureYaml.workflows.up.steps[1]!.azd)![1]!;
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }
    ).scripts;
    expect(scripts.package).toMatch(/scripts\/package\.ts$/);
    const packaging = [join(ROOT, "scripts", "package.ts")]
      .concat(
        readdirSync(join(ROOT, "scripts", "package")).map((name) => join(ROOT, "scripts", "package", name)),
      )
      .map((path) => readFileSync(path, "utf8"))
      .join("\n");
    const written = [...packaging.matchAll(/"([\w./-]+\.zip)"/g)].map((match) => match[1]);
    expect(written).toEqual([zip]);
  });
});
