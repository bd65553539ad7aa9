import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { Clock } from "../clock/Clock.js";
import { createDeadline } from "../clock/Deadline.js";
import type { Config } from "../config/Config.js";
import { M2mError, TimedOutError } from "../errors.js";
import { contextLogger } from "../logging/contextLogger.js";
import { AddKeyImpossibleError } from "../rotation/rotateCertificate.js";
import {
  CertificateNotManagedError,
  RotationBusyError,
  type RotationService,
} from "../rotation/createRotationService.js";

/**
 * POST /api/certificates/{name}/renew: renews the app's certificate in Key Vault and rotates the app registration's
 * key as far as it can go now, within M2M_RUN_DEADLINE_SECONDS (a later call, or the schedule, continues after the
 * grace period). 200 with the rotation report; 403 for a certificate the app does not manage; 409 while another
 * rotation runs, or when addKey is impossible (no valid registered certificate to sign its proof: a person must upload
 * the new one); 502 when a step failed (the rotation resumes there next time); 504 when Key Vault, Graph, the token
 * endpoint or Table Storage did not answer in time (TIMED_OUT, naming it).
 */
export async function renewCertificateHandler(
  request: HttpRequest,
  context: InvocationContext,
  services: () => { rotation: RotationService; config: Pick<Config, "runDeadlineMs">; clock: Clock },
): Promise<HttpResponseInit> {
  const name = request.params.name ?? "";
  const logger = contextLogger(context);
  const error = (status: number, e: M2mError) => {
    if (status >= 500) {
      logger.error("Certificate renewal failed", {
        certificate: name,
        status,
        code: e.code,
        edge: e instanceof TimedOutError ? e.edge : null,
        error: e.message,
      });
    }
    return { status, jsonBody: { error: { code: e.code, message: e.message } } };
  };
  const { rotation, config, clock } = services();
  const deadline = createDeadline({ budgetMs: config.runDeadlineMs, clock });
  try {
    // "Renew now": a completed rotation is followed by a new one; one in progress is continued.
    return {
      status: 200,
      jsonBody: await rotation.renew(name, logger, { restart: "always", deadline }),
    };
  } catch (e) {
    if (e instanceof CertificateNotManagedError) return error(403, e);
    if (e instanceof RotationBusyError || e instanceof AddKeyImpossibleError) return error(409, e);
    if (e instanceof TimedOutError) return error(504, e);
    if (e instanceof M2mError) return error(502, e);
    throw e;
  }
}
