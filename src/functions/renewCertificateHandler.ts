import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { M2mError } from "../errors.js";
import { contextLogger } from "../logging/contextLogger.js";
import { AddKeyImpossibleError } from "../rotation/rotateCertificate.js";
import {
  CertificateNotManagedError,
  RotationBusyError,
  type RotationService,
} from "../rotation/createRotationService.js";

/**
 * POST /api/certificates/{name}/renew: renews the app's certificate in Key Vault and rotates the app registration's
 * key as far as it can go now (a later call, or the schedule, continues after the grace period). 200 with the
 * rotation report; 403 for a certificate the app does not manage; 409 while another rotation runs, or when
 * addKey is impossible (no valid registered certificate to sign its proof: a person must upload the new one); 502 when a step
 * failed (the rotation resumes there next time).
 */
export async function renewCertificateHandler(
  request: HttpRequest,
  context: InvocationContext,
  rotation: () => RotationService,
): Promise<HttpResponseInit> {
  const name = request.params.name ?? "";
  const error = (status: number, e: M2mError) => ({
    status,
    jsonBody: { error: { code: e.code, message: e.message } },
  });
  try {
    // "Renew now": a completed rotation is followed by a new one; one in progress is continued.
    return {
      status: 200,
      jsonBody: await rotation().renew(name, contextLogger(context), { restart: "always" }),
    };
  } catch (e) {
    if (e instanceof CertificateNotManagedError) return error(403, e);
    if (e instanceof RotationBusyError || e instanceof AddKeyImpossibleError) return error(409, e);
    if (e instanceof M2mError) return error(502, e);
    throw e;
  }
}
