import type { Deadline } from "../clock/Deadline.js";
import type { Services } from "../container.js";
import type { AppCredential } from "../credentials/AppCredential.js";
import type { Diagnosis } from "./diagnoseTokenPath.js";
import { explainClaims } from "./explainClaims.js";
import { explainTokenRequest, type RequestCredential } from "./explainTokenRequest.js";
import { illustrativeClientAssertion } from "./illustrativeClientAssertion.js";

/**
 * The learner's view of a diagnosis (`m2m-diagnose --explain`): the token request as raw HTTP, built from what the
 * app's credential is, then each claim of the token with its meaning. A certificate's assertion is rebuilt for
 * showing and never signed. Needs the loaded credential only for a certificate (its thumbprint and chain); when the
 * diagnosis could not load it, the request is not shown and the text says why.
 */
export async function explainTokenPath(
  services: Pick<Services, "config" | "credentials" | "clock">,
  diagnosis: Diagnosis,
  options: { scope?: string; deadline?: Deadline; jti: () => string },
): Promise<string> {
  const { config } = services;
  const scope = options.scope ?? config.scope;
  const tokenEndpoint = `${config.authority}/oauth2/v2.0/token`;
  const credentialLoaded = diagnosis.steps.some((step) => step.name === "credential" && step.ok);
  let credential: RequestCredential | null = null;
  if (config.credential.kind === "client-secret") {
    credential = { kind: "client-secret" };
  } else if (config.credential.kind === "managed-identity-federation") {
    credential = { kind: "managed-identity-federation", audience: config.credential.audience };
  } else if (credentialLoaded) {
    // Loaded by the diagnosis a moment ago: served from the provider, no new read.
    credential = await certificateRequest(await services.credentials.current(options.deadline), {
      clientId: config.clientId,
      audience: tokenEndpoint,
      thumbprint: config.thumbprintAlgorithm,
      sendX5c: config.sendX5c,
      now: services.clock(),
      jti: options.jti(),
    });
  }
  const request = credential
    ? explainTokenRequest({ tokenEndpoint, clientId: config.clientId, scope, credential })
    : "The token request is not shown: the certificate did not load (see the error above).";
  const claims = diagnosis.claims
    ? explainClaims(diagnosis.claims, { clientId: config.clientId, scope })
    : "No token was issued, so there are no claims to explain (see the error above).";
  return `${request}\n\n${claims}`;
}

async function certificateRequest(
  credential: AppCredential,
  claims: Parameters<typeof illustrativeClientAssertion>[1],
): Promise<RequestCredential | null> {
  if (!credential.signer) return null;
  const assertion = await illustrativeClientAssertion(credential.signer, claims);
  return { kind: "certificate", signedIn: credential.signer.where, ...assertion };
}
