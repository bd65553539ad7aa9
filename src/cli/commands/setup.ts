import { createDeadline } from "../../clock/Deadline.js";
import { INTERACTIVE_BUDGET_MS } from "../../clock/interactiveBudget.js";
import type { CredentialConfig } from "../../config/Config.js";
import { loadConfig } from "../../config/loadConfig.js";
import { main as diagnose } from "../diagnoseCommand.js";
import type { CliContext } from "../CliContext.js";
import { CliUsageError } from "../CliUsageError.js";
import { commandSettings } from "../commandSettings.js";
import { parseCommandArgs } from "../parseCommandArgs.js";
import { createCertificateFiles } from "../steps/createCertificateFiles.js";
import { certificateSummary } from "../steps/certificateSummary.js";
import { ensureVaultCertificate } from "../steps/ensureVaultCertificate.js";
import { grantAccess } from "../steps/grantAccess.js";
import { registerCertificate } from "../steps/registerCertificate.js";
import type { StepOptions } from "../steps/StepOptions.js";
import type { CertificateToRegister } from "../tenant/planKeyRegistration.js";
import type { TenantSettings } from "../tenant/TenantSettings.js";
import { EMAIL_CONTACTS_DAYS_BEFORE_EXPIRY } from "../tenant/VaultCertificates.js";
import { validityPeriod } from "../cert/validityPeriod.js";
import { apiOfScope, keySizeOption, rolesOption, subjectOption, wholeNumberOption } from "./optionValues.js";
import { TENANT_OPTIONS, TENANT_OPTIONS_USAGE } from "./tenantOptions.js";

export const SETUP_USAGE = `Usage:
  m2m setup [--roles R1,R2] [--api API] [--federation IDENTITY] [--subject DN] [--months N] [--key-size BITS]
            [--exportable] [--no-diagnose]

Bootstraps the tenant for the app's settings (the environment over local.settings.json, as the app reads them), in
order, each step only as far as it is missing:
  1. the certificate: M2M_KEYVAULT_CERTIFICATE_NAME in M2M_KEYVAULT_URL (m2m cert create --keyvault), or the
     M2M_CERTIFICATE_PATH file (m2m cert create --out; a .pfx gets M2M_CERTIFICATE_PASSWORD);
  2. its registration on the app registration M2M_CLIENT_ID (m2m app register-cert);
  3. the API's app roles --roles (of --api, default M2M_SCOPE's resource), Graph's Application.ReadWrite.OwnedBy and
     ownership of its own registration, and with managed-identity-federation the federated credential for
     --federation (default M2M_MANAGED_IDENTITY_CLIENT_ID) (m2m app grant);
  4. the diagnosis of the token path (m2m-diagnose), unless --dry-run or --no-diagnose.
Prints each step's outcome: created, already there, or (with --dry-run) the writes it would send.

${TENANT_OPTIONS_USAGE}`;

/** `m2m setup`: see {@link SETUP_USAGE}. Returns the diagnosis's exit code (0 when it was not run). */
export async function setup(argv: string[], context: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, {
    ...TENANT_OPTIONS,
    roles: { type: "string" },
    api: { type: "string" },
    federation: { type: "string" },
    subject: { type: "string" },
    months: { type: "string" },
    "key-size": { type: "string" },
    exportable: { type: "boolean", default: false },
    "no-diagnose": { type: "boolean", default: false },
  });
  if (args.help) {
    context.io.out(SETUP_USAGE);
    return 0;
  }
  const settings = commandSettings(args, context.env);
  // The app's settings, checked as the app checks them; setup never touches the app's storage.
  const config = loadConfig({ AzureWebJobsStorage: "UseDevelopmentStorage=true", ...settings.values });
  const tenant = settings.tenant();
  const roles = rolesOption(args.roles);
  const api = roles.length === 0 ? null : (args.api ?? apiOfScope(settings.values));
  const months = wholeNumberOption(args.months, "months", 12, 1, 120);
  const keySize = keySizeOption(args["key-size"]);
  const credential = config.credential;
  const federation =
    credential.kind === "managed-identity-federation"
      ? (args.federation ?? config.managedIdentityClientId ?? null)
      : (args.federation ?? null);
  if (credential.kind === "managed-identity-federation" && federation === null) {
    throw new CliUsageError(
      "--federation: give the managed identity's principal (object) id: a system-assigned identity has no M2M_MANAGED_IDENTITY_CLIENT_ID",
    );
  }
  const step = (): StepOptions => ({
    dryRun: args["dry-run"],
    deadline: createDeadline({ budgetMs: INTERACTIVE_BUDGET_MS, clock: context.clock }),
    io: context.io,
  });
  const graph = context.connect.graph(tenant);

  const certificate = await ensureCertificate(credential, {
    context,
    step,
    tenant,
    subject: args.subject,
    months,
    keySize,
    exportable: args.exportable,
  });
  if (certificate) {
    await registerCertificate(graph, config.clientId, certificate, { ...step(), now: context.clock() });
  }
  await grantAccess(graph, { app: config.clientId, api, roles, federation, tenant }, step());

  if (args["dry-run"] || args["no-diagnose"]) return 0;
  context.io.out(
    "diagnose: the token path as the app runs it (a new key or role can take a few minutes to reach Entra ID's token endpoint: run m2m-diagnose again if this fails now)",
  );
  return diagnose(args.settings ? ["--settings", args.settings] : [], context.env);
}

/** Step 1: the app's certificate, created when missing; what step 2 registers (null: the app uses no certificate). */
async function ensureCertificate(
  credential: CredentialConfig,
  options: {
    context: CliContext;
    step: () => StepOptions;
    tenant: TenantSettings;
    subject: string | undefined;
    months: number;
    keySize: 2048 | 3072 | 4096;
    exportable: boolean;
  },
): Promise<CertificateToRegister | null> {
  const { context, step } = options;
  if (credential.kind === "keyvault-certificate") {
    const name = credential.certificateName;
    subjectOption(options.subject, name);
    const vault = context.connect.vault(credential.vaultUrl, options.tenant);
    const outcome = await ensureVaultCertificate(
      vault,
      name,
      {
        subject: options.subject?.trim() || `CN=${name}`,
        validityMonths: options.months,
        keySize: options.keySize,
        exportable: options.exportable,
        emailDaysBeforeExpiry: EMAIL_CONTACTS_DAYS_BEFORE_EXPIRY,
      },
      step(),
    );
    if (!outcome.issued) {
      return {
        kind: "not-created",
        placeholder: `<certificate DER of '${name}', issued by the step above>`,
        displayName: `${name} <version>`,
      };
    }
    const { facts } = certificateSummary(outcome.issued.der);
    return {
      kind: "known",
      der: outcome.issued.der,
      thumbprintSha1: facts.thumbprintSha1,
      displayName: `${name} ${outcome.issued.version}`,
    };
  }
  if (credential.kind === "certificate-file") {
    const match = /^(.*)\.(pem|pfx)$/i.exec(credential.path);
    if (!match) {
      throw new CliUsageError(
        `M2M_CERTIFICATE_PATH ${credential.path}: setup writes <name>.pem (and <name>.pfx): point it at a .pem or .pfx`,
      );
    }
    const withPfx = match[2]!.toLowerCase() !== "pem";
    if (withPfx && !credential.password) {
      throw new CliUsageError(
        "M2M_CERTIFICATE_PASSWORD: a .pfx needs a password; set it, or use a .pem path",
      );
    }
    const der = await createCertificateFiles(
      {
        out: match[1]!,
        subject: subjectOption(options.subject, "m2m-functions"),
        ...validityPeriod(context.clock(), options.months),
        keyBits: options.keySize,
        pfxPassword: withPfx ? credential.password : null,
        force: false,
        dryRun: step().dryRun,
      },
      context.io,
    );
    if (!der) {
      return {
        kind: "not-created",
        placeholder: `<certificate DER of ${match[1]}.cer, written by the step above>`,
        displayName: "m2m-functions",
      };
    }
    const { facts } = certificateSummary(der);
    return { kind: "known", der, thumbprintSha1: facts.thumbprintSha1, displayName: facts.subject };
  }
  context.io.out(
    `cert create: nothing to do: the app's credential is ${credential.kind === "client-secret" ? "a client secret" : "its managed identity (federated credential, step 3)"}`,
  );
  return null;
}
