import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PACKAGE_PATH } from "../../scripts/package/packageApp.js";

interface Step {
  readonly name?: string;
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}

interface Job {
  readonly "runs-on": string;
  readonly if?: string;
  readonly permissions?: Record<string, string>;
  readonly steps: readonly Step[];
}

interface Workflow {
  readonly name: string;
  readonly on: Record<string, unknown>;
  readonly permissions?: Record<string, string>;
  readonly jobs: Record<string, Job>;
}

const directory = ".github/workflows";
const files = readdirSync(directory).filter((file) => /\.ya?ml$/.test(file));
const source = (file: string): string => readFileSync(`${directory}/${file}`, "utf8");
const workflow = (file: string): Workflow => parse(source(file)) as Workflow;
const stepsOf = (file: string): Step[] => Object.values(workflow(file).jobs).flatMap((job) => [...job.steps]);

describe("GitHub workflows", () => {
  it("are ci.yml and deploy.yml", () => {
    expect(files.sort()).toEqual(["ci.yml", "deploy.yml"]);
  });

  it.each(files)("%s is YAML with triggers and jobs of steps that each run or use one thing", (file) => {
    // yaml's parse throws on syntax errors and duplicate keys, as GitHub refuses them.
    const parsed = workflow(file);
    expect(typeof parsed.name).toBe("string");
    expect(Object.keys(parsed.on).length).toBeGreaterThan(0);
    for (const job of Object.values(parsed.jobs)) {
      expect(job["runs-on"]).toBe("ubuntu-latest");
      expect(job.steps.length).toBeGreaterThan(0);
      for (const step of job.steps) expect([step.uses, step.run].filter(Boolean)).toHaveLength(1);
    }
  });

  it.each(files)("%s uses actions at a released major version", (file) => {
    for (const step of stepsOf(file).filter((s) => s.uses !== undefined)) {
      expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
    }
  });

  it.each(files)("%s reads no secrets", (file) => {
    expect(source(file)).not.toMatch(/secrets\./);
  });
});

describe("ci.yml", () => {
  it("runs .ci/run, the README's test command included, on every push and pull request", () => {
    const ci = workflow("ci.yml");
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(["push", "pull_request"]));
    expect(stepsOf("ci.yml").map((step) => step.run)).toContain("bash .ci/run");
    expect(readFileSync(".ci/run", "utf8")).toMatch(/^npm test\b/m);
  });

  it("can only read the repository", () => {
    expect(workflow("ci.yml").permissions).toEqual({ contents: "read" });
  });
});

describe("deploy.yml", () => {
  const deploy = workflow("deploy.yml");
  const job = deploy.jobs.deploy!;

  it("runs after CI completes on main, or by hand", () => {
    expect(deploy.on).toEqual({
      workflow_run: { workflows: [workflow("ci.yml").name], types: ["completed"], branches: ["main"] },
      workflow_dispatch: null,
    });
  });

  it("deploys only a green CI run of a push to this repository", () => {
    expect(job.if).toContain("github.event.workflow_run.conclusion == 'success'");
    expect(job.if).toContain("github.event.workflow_run.event == 'push'");
    expect(job.if).toContain("github.event.workflow_run.head_repository.full_name == github.repository");
  });

  it("may request an OpenID Connect token, and only read the repository otherwise", () => {
    expect(deploy.permissions).toEqual({ contents: "read" });
    expect(job.permissions).toEqual({ "id-token": "write", contents: "read" });
  });

  it("signs in to Azure with OpenID Connect from repository variables", () => {
    const login = job.steps.find((step) => step.uses?.startsWith("azure/login@"));
    expect(login?.with).toEqual({
      "client-id": "${{ vars.AZURE_CLIENT_ID }}",
      "tenant-id": "${{ vars.AZURE_TENANT_ID }}",
      "subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
    });
  });

  it("publishes the zip npm run package writes, after building it from the commit CI tested", () => {
    const runs = job.steps.map((step) => step.run).filter(Boolean);
    expect(runs).toEqual(["npm ci --no-audit --no-fund", "npm run package"]);
    const checkout = job.steps.find((step) => step.uses?.startsWith("actions/checkout@"));
    expect(checkout?.with).toEqual({ ref: "${{ github.event.workflow_run.head_sha || github.sha }}" });
    const publish = job.steps.find((step) => step.uses?.startsWith("Azure/functions-action@"));
    expect(publish?.with).toEqual({
      "app-name": "${{ vars.AZURE_FUNCTIONAPP_NAME }}",
      package: PACKAGE_PATH,
    });
    const indexOf = (step: Step | undefined): number => job.steps.indexOf(step!);
    expect(indexOf(job.steps.find((step) => step.run === "npm run package"))).toBeLessThan(indexOf(publish));
  });

  it("explains, at the top, the federated credential and the role the deploying identity needs", () => {
    const header = source("deploy.yml").split("\nname:")[0]!;
    expect(header).toContain("az ad app federated-credential create");
    expect(header).toContain('"subject": "repo:<owner>/<repo>:ref:refs/heads/main"');
    expect(header).toContain('"audiences": ["api://AzureADTokenExchange"]');
    expect(header).toContain('--role "Website Contributor"');
  });
});
