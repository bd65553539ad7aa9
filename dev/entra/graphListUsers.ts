import type { GraphContext, GraphResponse } from "./graphEndpoint.js";
import { graphPage } from "./graphPage.js";
import { parseGraphSelect } from "./parseGraphSelect.js";
import { toGraphUser, USER_PROPERTIES } from "./toGraphUser.js";

/**
 * `GET /users[?$top=…][&$select=…][&$skiptoken=…]` (https://learn.microsoft.com/graph/api/user-list): the tenant's
 * users in creation order, paged (see graphPage), with the default properties unless `$select` names others.
 */
export function graphListUsers(context: GraphContext, query: URLSearchParams): GraphResponse {
  const select = parseGraphSelect(query.get("$select"), USER_PROPERTIES, "microsoft.graph.user");
  const page = graphPage(context, "users", query, context.directory.listUsers(), (user) => user.id);
  return {
    status: 200,
    body: {
      "@odata.context": `${context.graphBaseUrl}/$metadata#users${select ? `(${select.join(",")})` : ""}`,
      ...(page.nextLink ? { "@odata.nextLink": page.nextLink } : {}),
      value: page.items.map((user) => toGraphUser(user, select)),
    },
  };
}
