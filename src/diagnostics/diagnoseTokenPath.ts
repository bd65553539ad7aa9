import type { Services } from "../container.js";
import { M2mError } from "../errors.js";
import { decodeTokenClaims } from "../tokens/decodeTokenClaims.js";

/** The claims a client credentials token should carry, in the order people look at them. */
const SHOWN_CLAIMS = [
  "aud",
  "roles",
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
  name: "credential" | "token" | "cached token";
  ok: boolean;
  durationMs: number;
  detail: Record<string, unknown>;
}

export interface Diagnosis {
  ok: boolean;
  steps: DiagnosisStep[];
  /** The claims that matter, decoded (not validated). Null when no token was acquired. */
  claims: Record<string, unknown> | null;
  /** The raw access token — only when asked for. */
  accessToken?: string;
  error?: { code: string; message: string };
}

/**
 * Walks the token path once and reports each step with its duration: load the credential, acquire a token,
 * acquire it again (which must come from the cache). Never includes the raw token unless `showToken` is set.
 */
export async function diagnoseTokenPath(
  services: Pick<Services, "credentials" | "tokens" | "clock" | "config">,
  options: { scope?: string; showToken?: boolean } = {},
): Promise<Diagnosis> {
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
      () => services.credentials.current(),
      (credential) => credential.summary,
    );
    const token = await timed(
      "token",
      () => services.tokens.getToken({ scope }),
      (t) => ({ scope: t.scope, fromCache: t.fromCache, expiresOn: t.expiresOn.toISOString() }),
    );
    await timed(
      "cached token",
      () => services.tokens.getToken({ scope }),
      (t) => ({ fromCache: t.fromCache }),
    );
    const all = decodeTokenClaims(token.token);
    const claims = all
      ? Object.fromEntries(SHOWN_CLAIMS.filter((name) => name in all).map((name) => [name, all[name]]))
      : null;
    return { ok: true, steps, claims, ...(options.showToken ? { accessToken: token.token } : {}) };
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
