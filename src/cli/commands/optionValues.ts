import type { Env } from "../../config/Env.js";
import { CliUsageError } from "../CliUsageError.js";
import { parseSubject, type SubjectAttribute } from "../cert/parseSubject.js";

/** A whole-number option from `min` to `max`, or `fallback` when it is not given. */
export function wholeNumberOption(
  value: string | undefined,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max) return Number(value);
  throw new CliUsageError(`--${name}: expected a whole number from ${min} to ${max}; got "${value}"`);
}

/**
 * A secret given by the name of the environment variable that holds it (`--password-env NAME`): never on the
 * command line, where shell history and the process list would keep it. Unset or empty is a usage error naming the
 * variable, never its value.
 */
export function secretFromEnvironment(variable: string, env: Env, option: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    throw new CliUsageError(`--${option}: expected the name of an environment variable; got "${variable}"`);
  }
  const value = env[variable];
  if (!value)
    throw new CliUsageError(
      `--${option} ${variable}: the environment variable ${variable} is not set (or empty)`,
    );
  return value;
}

/** Requires an https URL without a path (a vault's) and returns its origin. */
export function httpsOriginOption(value: string, name: string): string {
  const url = URL.parse(value);
  if (!url || url.protocol !== "https:" || (url.pathname !== "/" && url.pathname !== "")) {
    throw new CliUsageError(`--${name}: expected https://<vault>.vault.azure.net; got "${value}"`);
  }
  return url.origin;
}

/** --key-size: 2048, 3072 or 4096 (Key Vault's RSA sizes; Entra ID needs at least 2048). */
export function keySizeOption(value: string | undefined): 2048 | 3072 | 4096 {
  if (value === undefined) return 2048;
  if (value === "2048" || value === "3072" || value === "4096") return Number(value) as 2048 | 3072 | 4096;
  throw new CliUsageError(`--key-size: expected 2048, 3072 or 4096; got "${value}"`);
}

/** --subject, checked; `CN=<fallback>` when it is not given. */
export function subjectOption(value: string | undefined, fallback: string): SubjectAttribute[] {
  const parsed = parseSubject(value ?? `CN=${fallback}`);
  if (!parsed.ok) throw new CliUsageError(`--subject: ${parsed.problem}`);
  return parsed.attributes;
}

/** --roles R1,R2: the role values, without blanks or repeats. */
export function rolesOption(value: string | undefined): string[] {
  if (value === undefined) return [];
  const roles = [
    ...new Set(
      value
        .split(",")
        .map((role) => role.trim())
        .filter(Boolean),
    ),
  ];
  if (roles.length === 0)
    throw new CliUsageError(`--roles: expected role values separated by commas; got "${value}"`);
  return roles;
}

/** The API a scope names: `api://reports/.default` is api://reports (an appId GUID stays a GUID). */
export function apiOfScope(settings: Env): string | null {
  const scope = settings.M2M_SCOPE?.trim();
  return scope && scope.endsWith("/.default") ? scope.slice(0, -"/.default".length) : null;
}
