import { describe, expect, it } from "vitest";
import { readObject, stringLiteral, valueAt } from "./bicepSyntax.js";
import { builtInRoles, grants, type BuiltInRoleName } from "./builtInRoles.js";
import { evaluateBicep } from "./evaluateBicep.js";
import { readInfra } from "./readInfra.js";
import { SAMPLE, sampleDeployment } from "./sampleDeployment.js";

const infra = readInfra();
const ROLE_DEFINITION =
  /^subscriptionResourceId\(\s*'Microsoft\.Authorization\/roleDefinitions'\s*,\s*(\w+)\s*\)$/;

/** Every role assignment under infra/, with the role it grants, to whom, where and when. */
const assignments = [...infra.files].flatMap(([path, file]) =>
  [...file.resources.values()]
    .filter((resource) => resource.type === "Microsoft.Authorization/roleAssignments")
    .map((resource) => {
      const properties = valueAt(resource.body, "properties") ?? "{}";
      const roleVariable = ROLE_DEFINITION.exec(readObject(properties).get("roleDefinitionId") ?? "")?.[1];
      const roleId = stringLiteral(file.vars.get(roleVariable ?? "") ?? "");
      const scope = readObject(resource.body).get("scope") ?? "";
      return {
        path,
        symbol: resource.symbol,
        condition: resource.condition,
        roleVariable,
        roleId,
        role: builtInRoles.find((role) => role.id === roleId),
        principal: readObject(properties).get("principalId"),
        scopeType: file.resources.get(scope)?.type,
      };
    }),
);

/** The roles the app's identity gets (app/rbac.bicep) in a deployment with these main.bicep parameters. */
function identityRoles(parameters: Record<string, string | boolean>): BuiltInRoleName[] {
  const scope = sampleDeployment(infra, parameters).module("rbac");
  return assignments
    .filter(
      (assignment) => assignment.path === "app/rbac.bicep" && assignment.principal === "identityPrincipalId",
    )
    .filter(
      (assignment) => assignment.condition === null || evaluateBicep(assignment.condition, scope) === true,
    )
    .map((assignment) => assignment.role!.name)
    .sort();
}

const KEY_VAULT_ROLES: readonly BuiltInRoleName[] = [
  "Key Vault Certificate User",
  "Key Vault Crypto User",
  "Key Vault Certificates Officer",
];
const ALWAYS: readonly BuiltInRoleName[] = [
  "Monitoring Metrics Publisher",
  "Storage Blob Data Owner",
  "Storage Table Data Contributor",
];

/**
 * The Key Vault data actions each signing mode needs (README: "How the credential is loaded"): every mode reads the
 * certificate through the certificates API; local and auto read the certificate's secret (the private key, or only the
 * chain when the key is not exportable); vault and auto sign with the certificate's key. Renewal creates a version and
 * reads the policy's issuer object. Data action names: https://learn.microsoft.com/azure/role-based-access-control/permissions/security#microsoftkeyvault
 */
const NEEDS = {
  vault: ["Microsoft.KeyVault/vaults/certificates/read", "Microsoft.KeyVault/vaults/keys/sign/action"],
  auto: [
    "Microsoft.KeyVault/vaults/certificates/read",
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
    "Microsoft.KeyVault/vaults/keys/sign/action",
  ],
  local: [
    "Microsoft.KeyVault/vaults/certificates/read",
    "Microsoft.KeyVault/vaults/secrets/getSecret/action",
  ],
  renewal: [
    "Microsoft.KeyVault/vaults/certificates/create/action",
    "Microsoft.KeyVault/vaults/certificatecas/read",
  ],
} as const;

const covers = (roles: readonly BuiltInRoleName[], needed: readonly string[]) =>
  needed.every((action) =>
    roles.some((name) =>
      builtInRoles.find((role) => role.name === name)!.dataActions.some((g) => grants(g, action)),
    ),
  );

describe("role assignments under infra/", () => {
  it("grant documented built-in roles only, each held in a variable named after its role", () => {
    expect(assignments.length).toBeGreaterThan(0);
    for (const assignment of assignments) {
      expect(assignment.role, `${assignment.path} ${assignment.symbol}: ${assignment.roleId}`).toBeDefined();
      const camel = assignment
        .role!.name.replace(/ (\w)/g, (_, c: string) => c.toUpperCase())
        .replace(/^\w/, (c) => c.toLowerCase());
      expect(assignment.roleVariable, `${assignment.path} ${assignment.symbol}`).toBe(camel);
    }
  });

  it("never grant Key Vault Secrets User, Secrets Officer, Crypto Officer, Administrator, Contributor or Owner", () => {
    const forbidden: readonly BuiltInRoleName[] = [
      "Key Vault Secrets User",
      "Key Vault Secrets Officer",
      "Key Vault Crypto Officer",
      "Key Vault Administrator",
      "Key Vault Contributor",
      "Contributor",
      "Owner",
    ];
    expect(assignments.filter((assignment) => forbidden.includes(assignment.role!.name))).toEqual([]);
  });

  it.each([
    ["auto", true, ["Key Vault Certificate User", "Key Vault Crypto User", "Key Vault Certificates Officer"]],
    [
      "vault",
      true,
      ["Key Vault Certificate User", "Key Vault Crypto User", "Key Vault Certificates Officer"],
    ],
    ["local", true, ["Key Vault Certificate User", "Key Vault Certificates Officer"]],
    ["auto", false, ["Key Vault Certificate User", "Key Vault Crypto User"]],
    ["vault", false, ["Key Vault Certificate User", "Key Vault Crypto User"]],
    ["local", false, ["Key Vault Certificate User"]],
  ] as const)(
    "give the app's identity, signing %s with renewal %s, exactly %j and the storage and telemetry roles",
    (keyVaultSigning, renewal, keyVault) => {
      expect(identityRoles({ keyVaultSigning, renewal })).toEqual([...keyVault, ...ALWAYS].sort());
    },
  );

  it.each(["auto", "vault", "local"] as const)(
    "cover what signing %s needs, with no Key Vault role to spare",
    (mode) => {
      const signing = identityRoles({ keyVaultSigning: mode, renewal: false }).filter((role) =>
        KEY_VAULT_ROLES.includes(role),
      );
      expect(covers(signing, NEEDS[mode])).toBe(true);
      for (const role of signing) {
        expect(
          covers(
            signing.filter((other) => other !== role),
            NEEDS[mode],
          ),
          `without ${role}`,
        ).toBe(false);
      }
      const renewing = identityRoles({ keyVaultSigning: mode, renewal: true }).filter((role) =>
        KEY_VAULT_ROLES.includes(role),
      );
      const added = renewing.filter((role) => !signing.includes(role));
      expect(added).toEqual(["Key Vault Certificates Officer"]);
      expect(covers(renewing, [...NEEDS[mode], ...NEEDS.renewal])).toBe(true);
      expect(covers(signing, NEEDS.renewal)).toBe(false);
    },
  );

  it("assign each role on the one resource it is for", () => {
    const scopes = Object.fromEntries(
      assignments.map((assignment) => [`${assignment.path} ${assignment.symbol}`, assignment.scopeType]),
    );
    expect(scopes).toEqual({
      "app/rbac.bicep certificateUser": "Microsoft.KeyVault/vaults",
      "app/rbac.bicep cryptoUser": "Microsoft.KeyVault/vaults",
      "app/rbac.bicep certificatesOfficer": "Microsoft.KeyVault/vaults",
      "app/rbac.bicep deployerCertificatesOfficer": "Microsoft.KeyVault/vaults",
      "app/rbac.bicep blobDataOwner": "Microsoft.Storage/storageAccounts",
      "app/rbac.bicep tableDataContributor": "Microsoft.Storage/storageAccounts",
      "app/rbac.bicep metricsPublisher": "Microsoft.Insights/components",
      "app/keyVaultEvents.bicep deadLetterWriter":
        "Microsoft.Storage/storageAccounts/blobServices/containers",
    });
  });

  it("let the deployer create certificates only when azd names the deployer", () => {
    const deployer = assignments.filter((assignment) => assignment.principal === "deployerPrincipalId");
    expect(deployer.map((assignment) => assignment.role!.name)).toEqual(["Key Vault Certificates Officer"]);
    const when = (deployerPrincipalId: string) =>
      evaluateBicep(deployer[0]!.condition!, sampleDeployment(infra, { deployerPrincipalId }).module("rbac"));
    expect(when(SAMPLE.deployerPrincipalId)).toBe(true);
    expect(when("")).toBe(false);
  });

  it("let the Event Grid topic write dead-lettered events, and nothing else", () => {
    const topic = assignments.filter((assignment) => assignment.path === "app/keyVaultEvents.bicep");
    expect(
      topic.map((assignment) => [assignment.role!.name, assignment.principal, assignment.condition]),
    ).toEqual([["Storage Blob Data Contributor", "systemTopic.identity.principalId", null]]);
  });
});
