import { claimMeaning } from "./claimMeaning.js";
import { isGroupsOverage } from "./isGroupsOverage.js";
import { wrapText } from "./wrapText.js";

/** What the explanation compares the claims with. */
export interface ClaimsContext {
  /** M2M_CLIENT_ID: `appid` / `azp` should be it. */
  clientId: string;
  /** The scope the token was asked for: `aud` is its resource. */
  scope: string;
}

const WIDTH = 110;
const NAME_WIDTH = 10;
const INDENT = " ".repeat(2 + NAME_WIDTH);

/** The claims people look for, in the order they are explained; any other claim follows, alphabetically. */
const ORDER = [
  "aud",
  "iss",
  "tid",
  "appid",
  "azp",
  "appidacr",
  "azpacr",
  "idtyp",
  "roles",
  "groups",
  "_claim_names",
  "_claim_sources",
  "hasgroups",
  "wids",
  "scp",
  "oid",
  "sub",
  "iat",
  "nbf",
  "exp",
  "ver",
];
const TIMES = new Set(["iat", "nbf", "exp"]);

/**
 * Each claim of an app-only access token with what it means, then the claims that are absent and why: `roles` (no app
 * role assigned), `groups` (when Entra ID emits it, and why app roles are the better tool) and `scp` (never in an
 * app-only token). Claim meanings follow Microsoft's access token claims reference
 * (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference): `groups` holds the subject's
 * group memberships and is configured per application by the resource's `groupMembershipClaims` (or the groups
 * optional claim); over 200 groups in a JWT, Entra ID emits the overage claim (`_claim_names`/`_claim_sources`)
 * instead; `hasgroups` belongs to the implicit flow. In an app-only token the subject (`oid`, `sub`) is the client's
 * service principal, so its groups are the service principal's.
 */
export function explainClaims(claims: Record<string, unknown>, context: ClaimsContext): string {
  const names = [
    ...ORDER.filter((name) => name in claims),
    ...Object.keys(claims)
      .filter((name) => !ORDER.includes(name))
      .sort(),
  ];
  const lines = ["The access token's claims (decoded, not validated) and what each means:", ""];
  for (const name of names) {
    const value = claims[name];
    lines.push(`  ${name.padEnd(NAME_WIDTH - 1)} ${show(name, value)}`);
    lines.push(...wrapText(claimMeaning(name, value, claims, context), WIDTH, INDENT));
  }
  const absent = (name: string, text: string) => {
    lines.push(`  ${name.padEnd(NAME_WIDTH - 1)} (none)`, ...wrapText(text, WIDTH, INDENT));
  };
  if (!("roles" in claims)) {
    absent(
      "roles",
      "No app role of this API is assigned to this app's service principal, so the API has nothing to authorize " +
        "by. Assign the API's app roles (application permissions) to the service principal and grant admin " +
        "consent; tokens issued before keep their claims until they expire.",
    );
  }
  if (!("groups" in claims) && !isGroupsOverage(claims)) absent("groups", groupsAbsent(claims));
  if (!("scp" in claims)) {
    absent(
      "scp",
      "Never in an app-only token: scopes are delegated permissions, granted to an app acting for a signed-in " +
        "user. What an app may do on its own arrives in roles.",
    );
  }
  return lines.join("\n");
}

/** Why an app-only token has no `groups`, and what to use instead. */
function groupsAbsent(claims: Record<string, unknown>): string {
  const member = typeof claims.oid === "string" ? claims.oid : "<service-principal-object-id>";
  return (
    "Entra ID puts groups in a token only when the API's app registration asks for them (groupMembershipClaims " +
    '"SecurityGroup" or "All" in its manifest, or the groups optional claim), and then lists the groups the ' +
    "token's subject is a member of: in an app-only token, this app's service principal (az ad group member add " +
    `--group <group> --member-id ${member}). One of the two is missing. For authorization, use app roles instead: ` +
    "define an app role (allowed member types: Applications) on the API, assign it to this app's service " +
    "principal and grant admin consent. It arrives in roles, is scoped to that API and never overflows (more " +
    "than 200 groups and Entra ID sends a pointer to Microsoft Graph instead of groups)."
  );
}

function show(name: string, value: unknown): string {
  if (TIMES.has(name) && typeof value === "number") {
    return `${value} (${new Date(value * 1000).toISOString()})`;
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}
