import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { InventoryService } from "../certificates/createInventoryService.js";
import { M2mError } from "../errors.js";
import { contextLogger } from "../logging/contextLogger.js";

/**
 * GET /api/certificates: the certificates of the app's vault with days left, state, thumbprints, whether the app
 * registration knows them, drift findings and the rotation's progress.
 */
export async function listCertificatesHandler(
  _request: HttpRequest,
  context: InvocationContext,
  inventory: () => InventoryService,
): Promise<HttpResponseInit> {
  try {
    return { status: 200, jsonBody: await inventory().inventory(contextLogger(context)) };
  } catch (error) {
    if (error instanceof M2mError)
      return { status: 502, jsonBody: { error: { code: error.code, message: error.message } } };
    throw error;
  }
}
