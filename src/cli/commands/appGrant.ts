import { createDeadline } from "../../clock/Deadline.js";
import { INTERACTIVE_BUDGET_MS } from "../../clock/interactiveBudget.js";
import type { CliContext } from "../CliContext.js";
import { CliUsageError } from "../CliUsageError.js";
import { commandSettings } from "../commandSettings.js";
import { parseCommandArgs } from "../parseCommandArgs.js";
import { grantAccess } from "../steps/grantAccess.js";
import { apiOfScope, rolesOption } from "./optionValues.js";
import { TENANT_OPTIONS, TENANT_OPTIONS_USAGE } from "./tenantOptions.js";

export const APP_GRANT_USAGE = `Usage:
  m2m app grant [--app APP] [--api API] --roles R1,R2 [--federation IDENTITY]

Gives the client application APP (application (client) id; default M2M_CLIENT_ID) what it needs, as the signed-in
person; each part only when it is missing, so a second run sends nothing:
  - the app roles R1,R2 of the API (its application id or Application ID URI; default M2M_SCOPE without /.default),
    assigned to the app's service principal (admin-consented application permissions: the token's roles claim);
  - Microsoft Graph's Application.ReadWrite.OwnedBy, and the app's service principal as an owner of its own app
    registration: the app reads its registered keys to rotate them;
  - with --federation, the federated identity credential that trusts the managed identity IDENTITY (client id or
    principal id) as the app's credential (issuer <authority>/<tenant>/v2.0, subject its principal id, audience
    api://AzureADTokenExchange).
Needs Graph's AppRoleAssignment.ReadWrite.All and Application.ReadWrite.All: Privileged Role Administrator (for
Microsoft Graph's roles), or Cloud Application Administrator for your own API's roles and the rest.

${TENANT_OPTIONS_USAGE}`;

/** `m2m app grant`: see {@link APP_GRANT_USAGE}. Returns the exit code. */
export async function appGrant(argv: string[], context: CliContext): Promise<number> {
  const args = parseCommandArgs(argv, {
    ...TENANT_OPTIONS,
    app: { type: "string" },
    api: { type: "string" },
    roles: { type: "string" },
    federation: { type: "string" },
  });
  if (args.help) {
    context.io.out(APP_GRANT_USAGE);
    return 0;
  }
  const settings = commandSettings(args, context.env);
  const app = args.app ?? settings.values.M2M_CLIENT_ID;
  if (!app)
    throw new CliUsageError(
      "--app: give the app registration's application (client) id (or set M2M_CLIENT_ID)",
    );
  const roles = rolesOption(args.roles);
  const api = roles.length === 0 ? null : (args.api ?? apiOfScope(settings.values));
  if (roles.length > 0 && !api) {
    throw new CliUsageError("--api: give the API's application id or Application ID URI (or set M2M_SCOPE)");
  }
  await grantAccess(
    context.connect.graph(settings.tenant()),
    { app, api, roles, federation: args.federation ?? null, tenant: settings.tenant() },
    {
      dryRun: args["dry-run"],
      deadline: createDeadline({ budgetMs: INTERACTIVE_BUDGET_MS, clock: context.clock }),
      io: context.io,
    },
  );
  return 0;
}
