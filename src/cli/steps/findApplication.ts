import type { Deadline } from "../../clock/Deadline.js";
import { M2mError } from "../../errors.js";
import type { GraphApplication } from "../../graph/GraphApplications.js";
import { parseGraphApplication } from "../../graph/parseGraphApplication.js";
import type { GraphPort } from "../tenant/GraphPort.js";

/** With keyCredentials selected on one application, Graph returns each key's `key` (the certificate's DER). */
const SELECT = "$select=id,appId,displayName,keyCredentials,passwordCredentials";
const READ_FIX =
  "Reading app registrations needs Microsoft Graph's Application.Read.All as the signed-in person (any member can " +
  "read them unless the tenant restricts it; Application Administrator or Cloud Application Administrator can).";

/**
 * The app registration `id` names — its application (client) id, as the settings and the portal's overview show it,
 * or its object id: both are GUIDs, so the appId is tried first (`/applications(appId='…')`), then the object id.
 * GRAPH_NOT_FOUND when neither is an application of the tenant.
 */
export async function findApplication(
  graph: GraphPort,
  id: string,
  deadline: Deadline,
): Promise<GraphApplication> {
  const paths = [
    `/applications(appId='${encodeURIComponent(id)}')`,
    `/applications/${encodeURIComponent(id)}`,
  ];
  for (const path of paths) {
    const found = await graph.get({ path: `${path}?${SELECT}`, forbiddenFix: READ_FIX }, deadline);
    if (found === null) continue;
    const parsed = parseGraphApplication(found);
    if (!parsed.ok) {
      throw new M2mError(
        "GRAPH_RESPONSE_INVALID",
        `Microsoft Graph answered GET ${path} with JSON that is not an application: ${parsed.problem}. Check M2M_GRAPH_URL.`,
      );
    }
    return parsed.value;
  }
  throw new M2mError(
    "GRAPH_NOT_FOUND",
    `The tenant has no app registration with application (client) id or object id ${id}. Check --app (or M2M_CLIENT_ID) and that you are signed in to the app's tenant (M2M_TENANT_ID).`,
  );
}
