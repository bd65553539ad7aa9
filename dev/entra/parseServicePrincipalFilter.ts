import type { ServicePrincipal } from "./Directory.js";
import { GraphError } from "./GraphError.js";

const EQ = /^\s*([A-Za-z]+)\s+eq\s+'((?:[^']|'')*)'\s*$/;
const NAMES_ANY = /^\s*servicePrincipalNames\/any\(\s*(\w+)\s*:\s*\1\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$/i;
const SUPPORTED =
  "one clause: appId eq '…', id eq '…', displayName eq '…' or servicePrincipalNames/any(x:x eq '…')";

/**
 * The predicate of a `$filter` on `GET /servicePrincipals` (https://learn.microsoft.com/graph/api/serviceprincipal-list):
 * `appId eq '{appId}'` (what `az ad sp show --id` and the Graph SDKs send), `id eq`, `displayName eq`, and
 * `servicePrincipalNames/any(x:x eq '{name}')`. OData doubles a quote inside a literal (`''`). Graph compares these
 * without regard to case. Anything else is a 400 saying what the stand-in evaluates.
 */
export function parseServicePrincipalFilter(
  filter: string | null,
): ((principal: ServicePrincipal, names: readonly string[]) => boolean) | null {
  if (filter === null || filter.trim() === "") return null;
  const any = NAMES_ANY.exec(filter);
  if (any) {
    const wanted = (any[2] ?? "").replace(/''/g, "'").toLowerCase();
    return (_principal, names) => names.some((name) => name.toLowerCase() === wanted);
  }
  const eq = EQ.exec(filter);
  if (!eq) {
    throw new GraphError(
      400,
      "BadRequest",
      `Invalid filter clause: '${filter}'. (The stand-in evaluates ${SUPPORTED}.)`,
    );
  }
  const [, property = "", literal = ""] = eq;
  const wanted = literal.replace(/''/g, "'").toLowerCase();
  switch (property.toLowerCase()) {
    case "appid":
      return (principal) => principal.appId.toLowerCase() === wanted;
    case "id":
      return (principal) => principal.objectId.toLowerCase() === wanted;
    case "displayname":
      return (principal) => principal.displayName.toLowerCase() === wanted;
    default:
      throw GraphError.unsupportedFilter(property, filter, SUPPORTED);
  }
}
