import { basename } from "node:path";
import { createDeadline } from "../../clock/Deadline.js";
import { INTERACTIVE_BUDGET_MS } from "../../clock/interactiveBudget.js";
import { CERTIFICATE_NAME } from "../../config/settingPatterns.js";
import type { CliContext } from "../CliContext.js";
import { CliUsageError } from "../CliUsageError.js";
import { commandSettings } from "../commandSettings.js";
import { parseCommandArgs } from "../parseCommandArgs.js";
import { validityPeriod } from "../cert/validityPeriod.js";
import { createCertificateFiles } from "../steps/createCertificateFiles.js";
import { ensureVaultCertificate } from "../steps/ensureVaultCertificate.js";
import {
  EMAIL_CONTACTS_DAYS_BEFORE_EXPIRY,
  type NewVaultCertificatePolicy,
} from "../tenant/VaultCertificates.js";
import {
  httpsOriginOption,
  keySizeOption,
  secretFromEnvironment,
  subjectOption,
  wholeNumberOption,
} from "./optionValues.js";
import { TENANT_OPTIONS, TENANT_OPTIONS_USAGE } from "./tenantOptions.js";

export const CERT_CREATE_USAGE = `Usage:
  m2m cert create --out PATH [--subject DN] [--months N] [--key-size BITS] [--password-env NAME] [--force]
  m2m cert create --keyvault URL --name NAME [--subject DN] [--months N] [--key-size BITS] [--exportable]

A self-signed RSA certificate for the app registration, without openssl.
With --out: writes PATH.pem (PKCS#8 key + certificate, mode 0600: M2M_CERTIFICATE_PATH reads it), PATH.cer (DER,
to upload) and, with --password-env, PATH.pfx (PKCS#12, AES-256 and SHA-256, the password read from the
environment variable NAME, never from the command line). An existing PATH.pem is reported, not replaced (--force
replaces it).
With --keyvault: creates certificate NAME in the vault (issuer Self, non-exportable key unless --exportable, PEM
content type, lifetime action EmailContacts 14 days before expiry, never AutoRenew: the app renews it and registers
the new key itself). An existing certificate NAME is reported, not changed.
  --subject DN      distinguished name, e.g. "CN=m2m-functions, O=Contoso" (default CN=<PATH's file name or NAME>)
  --months N        validity in months, 1-120 (default 12)
  --key-size BITS   2048, 3072 or 4096 (default 2048: Entra ID's minimum)
Prints the subject, the validity and the SHA-1 (the portal's Thumbprint) and SHA-256 thumbprints.

${TENANT_OPTIONS_USAGE}`;

/** `m2m cert create`: see {@link CERT_CREATE_USAGE}. Returns the exit code. */
export async function certCreate(argv: string[], context: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, {
    ...TENANT_OPTIONS,
    out: { type: "string" },
    keyvault: { type: "string" },
    name: { type: "string" },
    subject: { type: "string" },
    months: { type: "string" },
    "key-size": { type: "string" },
    "password-env": { type: "string" },
    force: { type: "boolean", default: false },
    exportable: { type: "boolean", default: false },
  });
  if (args.help) {
    context.io.out(CERT_CREATE_USAGE);
    return 0;
  }
  const months = wholeNumberOption(args.months, "months", 12, 1, 120);
  const keySize = keySizeOption(args["key-size"]);
  if (args.out !== undefined) {
    if (args.keyvault !== undefined || args.name !== undefined || args.exportable) {
      throw new CliUsageError(
        "--out writes files; --keyvault, --name and --exportable are for a Key Vault certificate",
      );
    }
    const out = args.out.replace(/\.(pem|cer|pfx)$/i, "");
    await createCertificateFiles(
      {
        out,
        subject: subjectOption(args.subject, basename(out)),
        ...validityPeriod(context.clock(), months),
        keyBits: keySize,
        pfxPassword:
          args["password-env"] === undefined
            ? null
            : secretFromEnvironment(args["password-env"], context.env, "password-env"),
        force: args.force,
        dryRun: args["dry-run"],
      },
      context.io,
    );
    return 0;
  }
  if (args.keyvault === undefined || args.name === undefined) {
    throw new CliUsageError(
      "give --out PATH (files) or --keyvault URL --name NAME (a Key Vault certificate)",
    );
  }
  if (args.force || args["password-env"] !== undefined) {
    throw new CliUsageError(
      "--force and --password-env are for --out files; a Key Vault certificate is never replaced",
    );
  }
  if (!CERTIFICATE_NAME.test(args.name)) {
    throw new CliUsageError(`--name: expected 1-127 letters, digits and dashes; got "${args.name}"`);
  }
  subjectOption(args.subject, args.name);
  const policy: NewVaultCertificatePolicy = {
    subject: args.subject?.trim() ?? `CN=${args.name}`,
    validityMonths: months,
    keySize,
    exportable: args.exportable,
    emailDaysBeforeExpiry: EMAIL_CONTACTS_DAYS_BEFORE_EXPIRY,
  };
  const settings = commandSettings(args, context.env);
  const vault = context.connect.vault(httpsOriginOption(args.keyvault, "keyvault"), settings.tenant());
  await ensureVaultCertificate(vault, args.name, policy, {
    dryRun: args["dry-run"],
    deadline: createDeadline({ budgetMs: INTERACTIVE_BUDGET_MS, clock: context.clock }),
    io: context.io,
  });
  return 0;
}
