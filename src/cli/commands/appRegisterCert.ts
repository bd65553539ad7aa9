import { createDeadline } from "../../clock/Deadline.js";
import { INTERACTIVE_BUDGET_MS } from "../../clock/interactiveBudget.js";
import { M2mError } from "../../errors.js";
import type { CliContext } from "../CliContext.js";
import { CliUsageError } from "../CliUsageError.js";
import { commandSettings } from "../commandSettings.js";
import { parseCommandArgs } from "../parseCommandArgs.js";
import { certificateSummary } from "../steps/certificateSummary.js";
import { readCertificateFile } from "../steps/readCertificateFile.js";
import { registerCertificate } from "../steps/registerCertificate.js";
import { httpsOriginOption } from "./optionValues.js";
import { TENANT_OPTIONS, TENANT_OPTIONS_USAGE } from "./tenantOptions.js";

export const APP_REGISTER_CERT_USAGE = `Usage:
  m2m app register-cert [--app APP] --cert FILE [--display-name TEXT]
  m2m app register-cert [--app APP] [--keyvault URL --name NAME] [--display-name TEXT]

Registers a certificate's public key on the app registration APP (application (client) id or object id; default
M2M_CLIENT_ID) as the signed-in person, keeping the keys already registered (Graph PATCH of keyCredentials). The
first certificate needs this: Graph's addKey, which the app uses for every later one, needs a proof signed by a
certificate that is registered already. A certificate already registered is reported and nothing is sent.
  --cert FILE                 a .cer (DER or PEM), or the .pem of m2m cert create (its key is not read)
  --keyvault URL --name NAME  the latest version of a Key Vault certificate (default M2M_KEYVAULT_URL and
                              M2M_KEYVAULT_CERTIFICATE_NAME)
Needs Graph's Application.ReadWrite.All (Application Administrator or Cloud Application Administrator), or to be an
owner of the app registration.

${TENANT_OPTIONS_USAGE}`;

/** `m2m app register-cert`: see {@link APP_REGISTER_CERT_USAGE}. Returns the exit code. */
export async function appRegisterCert(argv: string[], context: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, {
    ...TENANT_OPTIONS,
    app: { type: "string" },
    cert: { type: "string" },
    keyvault: { type: "string" },
    name: { type: "string" },
    "display-name": { type: "string" },
  });
  if (args.help) {
    context.io.out(APP_REGISTER_CERT_USAGE);
    return 0;
  }
  const settings = commandSettings(args, context.env);
  const app = args.app ?? settings.values.M2M_CLIENT_ID;
  if (!app)
    throw new CliUsageError(
      "--app: give the app registration's application (client) id (or set M2M_CLIENT_ID)",
    );
  if (args.cert !== undefined && (args.keyvault !== undefined || args.name !== undefined)) {
    throw new CliUsageError("give --cert FILE or --keyvault URL --name NAME, not both");
  }
  const tenant = settings.tenant();
  const deadline = createDeadline({ budgetMs: INTERACTIVE_BUDGET_MS, clock: context.clock });
  let der: Buffer;
  let displayName: string;
  if (args.cert !== undefined) {
    der = await readCertificateFile(args.cert);
    displayName = args["display-name"] ?? certificateSummary(der).facts.subject;
  } else {
    const vaultUrl = args.keyvault ?? settings.values.M2M_KEYVAULT_URL;
    const name = args.name ?? settings.values.M2M_KEYVAULT_CERTIFICATE_NAME;
    if (!vaultUrl || !name) {
      throw new CliUsageError(
        "give --cert FILE, or --keyvault URL --name NAME (or set M2M_KEYVAULT_URL and M2M_KEYVAULT_CERTIFICATE_NAME)",
      );
    }
    const vault = context.connect.vault(httpsOriginOption(vaultUrl, "keyvault"), tenant);
    const state = await vault.find(name, deadline);
    if (state.kind !== "issued") {
      throw new M2mError(
        state.kind === "absent" ? "CERTIFICATE_NOT_FOUND" : "CERTIFICATE_NOT_ISSUED",
        state.kind === "absent"
          ? `Key Vault ${vault.vaultUrl} has no certificate '${name}'. Create it first: m2m cert create --keyvault ${vault.vaultUrl} --name ${name}`
          : `Key Vault ${vault.vaultUrl} is still creating certificate '${name}' (${state.status}): run the command again once it is issued.`,
      );
    }
    der = state.der;
    // The name the app's rotation gives the keys it adds (addKey), so the registrations read alike.
    displayName = args["display-name"] ?? `${name} ${state.version}`;
  }
  const { facts, lines } = certificateSummary(der);
  context.io.out(`register-cert: certificate ${facts.thumbprintSha1}\n${lines.join("\n")}`);
  await registerCertificate(
    context.connect.graph(tenant),
    app,
    { kind: "known", der, thumbprintSha1: facts.thumbprintSha1, displayName },
    { dryRun: args["dry-run"], deadline, io: context.io, now: context.clock() },
  );
  return 0;
}
