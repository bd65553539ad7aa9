import type { Deadline } from "../clock/Deadline.js";
import type { CredentialConfig } from "../config/Config.js";
import type { Services } from "../container.js";
import { M2mError } from "../errors.js";
import { decodeTokenClaims } from "../tokens/decodeTokenClaims.js";

/** The claims a client credentials token should carry, in the order people look at them. */
const SHOWN_CLAIMS = [
  "aud",
  "roles",
  "groups",
  "appid",
  "azp",
  "tid",
  "idtyp",
  "iss",
  "oid",
  "exp",
  "iat",
  "ver",
] as const;

export interface DiagnosisStep {
  name: "credential" | "token" | "cached token" | "graph";
  ok: boolean;
  /** A failure that does not fail the diagnosis (the app works without it, with less): reported as a warning. */
  optional?: true;
  durationMs: number;
  detail: Record<string, unknown>;
}

export interface Diagnosis {
  ok: boolean;
  steps: DiagnosisStep[];
  /** The claims that matter (every claim with `allClaims`), decoded (not validated). Null when no token was acquired. */
  claims: Record<string, unknown> | null;
  /** The raw access token — only when asked for. */
  accessToken?: string;
  error?: { code: string; message: string };
}

/**
 * Walks the token path once and reports each step with its duration: load the credential, acquire a token,
 * acquire it again (which must come from the cache), and — given Graph — read the app's own registration through
 * Microsoft Graph, as the certificate check and the rotation do (it needs a Graph application permission; the
 * failure says which and how to grant it). That read fails the diagnosis when the app renews its own Key Vault
 * certificate (rotation needs it); otherwise it is a warning (only the registration status is lost). Never includes
 * the raw token unless `showToken` is set. Keeps the claims people look at, or every claim with `allClaims` (the
 * explanation of `m2m-diagnose --explain` goes through all of them). With a `deadline`, every step ends by it: a
 * step that has not answered fails with TIMED_OUT naming the system that did not answer.
 */
export async function diagnoseTokenPath(
  services: Pick<Services, "credentials" | "tokens" | "clock" | "config"> & Partial<Pick<Services, "graph">>,
  options: { scope?: string; showToken?: boolean; allClaims?: boolean; deadline?: Deadline } = {},
): Promise<Diagnosis> {
  const { deadline } = options;
  const steps: DiagnosisStep[] = [];
  const timed = async <T>(
    name: DiagnosisStep["name"],
    run: () => Promise<T>,
    detail: (value: T) => Record<string, unknown>,
  ) => {
    const started = services.clock().getTime();
    try {
      const value = await run();
      steps.push({ name, ok: true, durationMs: services.clock().getTime() - started, detail: detail(value) });
      return value;
    } catch (error) {
      steps.push({ name, ok: false, durationMs: services.clock().getTime() - started, detail: {} });
      throw error;
    }
  };
  const scope = options.scope ?? services.config.scope;
  try {
    await timed(
      "credential",
      () =>
        deadline
          ? deadline.bound(credentialEdge(services.config.credential), () => services.credentials.current())
          : services.credentials.current(),
      (credential) => credential.summary,
    );
    const token = await timed(
      "token",
      () => services.tokens.getToken({ scope, ...(deadline ? { deadline } : {}) }),
      (t) => ({ scope: t.scope, fromCache: t.fromCache, expiresOn: t.expiresOn.toISOString() }),
    );
    await timed(
      "cached token",
      () => services.tokens.getToken({ scope, ...(deadline ? { deadline } : {}) }),
      (t) => ({ fromCache: t.fromCache }),
    );
    const all = decodeTokenClaims(token.token);
    const claims = all
      ? options.allClaims
        ? all
        : Object.fromEntries(SHOWN_CLAIMS.filter((name) => name in all).map((name) => [name, all[name]]))
      : null;
    const shown = { claims, ...(options.showToken ? { accessToken: token.token } : {}) };
    const graphError = services.graph
      ? await readRegistration(services, services.graph, steps, deadline)
      : null;
    if (graphError && !steps.at(-1)?.optional) return { ok: false, steps, ...shown, error: graphError };
    return { ok: true, steps, ...shown };
  } catch (error) {
    return {
      ok: false,
      steps,
      claims: null,
      error: {
        code: error instanceof M2mError ? error.code : "UNEXPECTED",
        message: error instanceof Error ? error.message : String(error),
      },
    };
  }
}

/**
 * The "graph" step: reads the app's registration (its keys) through Graph. Returns the failure, or null when read.
 * Optional unless the app renews its own Key Vault certificate.
 */
async function readRegistration(
  services: Pick<Services, "clock" | "config">,
  graph: NonNullable<Services["graph"]>,
  steps: DiagnosisStep[],
  deadline: Deadline | undefined,
): Promise<{ code: string; message: string } | null> {
  const { config } = services;
  const rotates =
    config.credential.kind === "keyvault-certificate" && config.credential.certificateVersion === null;
  const started = services.clock().getTime();
  const durationMs = () => services.clock().getTime() - started;
  try {
    const application = await graph.getByAppId(config.clientId, deadline);
    steps.push({
      name: "graph",
      ok: true,
      durationMs: durationMs(),
      detail: {
        read: `app registration ${application.id}`,
        registeredCertificates: application.keyCredentials.length,
      },
    });
    return null;
  } catch (error) {
    const failure = {
      code: error instanceof M2mError ? error.code : "UNEXPECTED",
      message: error instanceof Error ? error.message : String(error),
    };
    steps.push({
      name: "graph",
      ok: false,
      ...(rotates ? {} : { optional: true as const }),
      durationMs: durationMs(),
      // A required step's failure is the diagnosis's error (said once, at the end); an optional one is said here.
      detail: rotates
        ? { code: failure.code }
        : {
            ...failure,
            impact:
              "the certificate check cannot tell which certificates the app registration knows; the token path works",
          },
    });
    return failure;
  }
}

/**
 * What loading the credential waits on, for a TIMED_OUT message (the credential provider takes no deadline of its
 * own): Key Vault (and the managed identity endpoint before it, for the vault's token); the other sources read a
 * file or a setting.
 */
function credentialEdge(credential: CredentialConfig): string {
  return credential.kind === "keyvault-certificate" ? "Key Vault" : "the credential source";
}
