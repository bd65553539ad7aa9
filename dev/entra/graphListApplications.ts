import type { GraphContext, GraphResponse } from "./graphEndpoint.js";
import { graphPage } from "./graphPage.js";
import { parseGraphSelect } from "./parseGraphSelect.js";
import { APPLICATION_PROPERTIES, graphApplicationProperties } from "./toGraphApplication.js";

/**
 * `GET /applications[?$top=…][&$select=…][&$skiptoken=…]` (https://learn.microsoft.com/graph/api/application-list):
 * the tenant's application registrations in registration order, paged (see graphPage). keyCredentials come without
 * their `key` in a list.
 */
export function graphListApplications(context: GraphContext, query: URLSearchParams): GraphResponse {
  const select = parseGraphSelect(
    query.get("$select"),
    APPLICATION_PROPERTIES,
    "microsoft.graph.application",
  );
  const page = graphPage(context, "applications", query, context.directory.listApps(), (app) => app.objectId);
  return {
    status: 200,
    body: {
      "@odata.context": `${context.graphBaseUrl}/$metadata#applications${select ? `(${select.join(",")})` : ""}`,
      ...(page.nextLink ? { "@odata.nextLink": page.nextLink } : {}),
      value: page.items.map((app) => graphApplicationProperties(app, select, false)),
    },
  };
}
