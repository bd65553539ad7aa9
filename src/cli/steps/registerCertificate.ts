import { CredentialError } from "../../errors.js";
import type { GraphPort } from "../tenant/GraphPort.js";
import { formatPlannedRequest } from "../tenant/formatPlannedRequest.js";
import { planKeyRegistration, type CertificateToRegister } from "../tenant/planKeyRegistration.js";
import { certificateSummary } from "./certificateSummary.js";
import { findApplication } from "./findApplication.js";
import type { StepOptions } from "./StepOptions.js";

/**
 * `m2m app register-cert`: the certificate registered on the app registration `app` (appId or object id) with the
 * existing keys kept (see planKeyRegistration). A certificate already registered is reported and nothing is sent; an
 * expired one is refused (CERTIFICATE_EXPIRED: Entra ID would never accept an assertion it signs).
 */
export async function registerCertificate(
  graph: GraphPort,
  app: string,
  certificate: CertificateToRegister,
  options: StepOptions & { now: Date },
): Promise<"already there" | "registered" | "would register"> {
  const { io, deadline } = options;
  if (certificate.kind === "known") {
    const { facts } = certificateSummary(certificate.der);
    if (facts.notAfter.getTime() <= options.now.getTime()) {
      throw new CredentialError(
        "CERTIFICATE_EXPIRED",
        `Certificate ${facts.thumbprintSha1} (${facts.subject}) expired on ${facts.notAfter.toISOString()}: Entra ID would not accept it. Create a new one (m2m cert create) and register that.`,
      );
    }
  }
  const application = await findApplication(graph, app, deadline);
  const name = `app registration ${application.displayName || application.appId} (appId ${application.appId})`;
  const plan = planKeyRegistration(application, certificate);
  if (plan.kind === "registered") {
    io.out(
      `register-cert: already there: the certificate is registered on ${name} (keyId ${plan.keyId}${plan.displayName ? `, "${plan.displayName}"` : ""})`,
    );
    return "already there";
  }
  if (options.dryRun) {
    io.out(
      `register-cert: would send\n${formatPlannedRequest({ ...plan.write, url: graph.urlOf(plan.write.path) })}`,
    );
    return "would register";
  }
  await graph.send(plan.write, deadline);
  io.out(`register-cert: registered: ${plan.write.purpose}`);
  return "registered";
}
