import type { GraphContext, GraphResponse } from "./graphEndpoint.js";
import { parseGraphSelect } from "./parseGraphSelect.js";
import { parseServicePrincipalFilter } from "./parseServicePrincipalFilter.js";
import { SERVICE_PRINCIPAL_PROPERTIES, toGraphServicePrincipal } from "./toGraphServicePrincipal.js";

/**
 * `GET /servicePrincipals[?$filter=…][&$select=…]` (https://learn.microsoft.com/graph/api/serviceprincipal-list): the
 * tenant's service principals matching the filter (see parseServicePrincipalFilter), in one page.
 */
export function graphListServicePrincipals(context: GraphContext, query: URLSearchParams): GraphResponse {
  const matches = parseServicePrincipalFilter(query.get("$filter"));
  const select = parseGraphSelect(
    query.get("$select"),
    SERVICE_PRINCIPAL_PROPERTIES,
    "microsoft.graph.servicePrincipal",
  );
  const value = context.directory
    .listServicePrincipals()
    .map((principal) => ({ principal, json: toGraphServicePrincipal(principal, context.directory, null) }))
    .filter(({ principal, json }) => !matches || matches(principal, json.servicePrincipalNames ?? []))
    .map(({ principal }) => toGraphServicePrincipal(principal, context.directory, select));
  return {
    status: 200,
    body: {
      "@odata.context": `${context.graphBaseUrl}/$metadata#servicePrincipals${select ? `(${select.join(",")})` : ""}`,
      value,
    },
  };
}
