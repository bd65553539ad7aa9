import type { Principal } from "./Principal.js";

/** What the `x-ms-client-principal` header says, and whether it may be believed. */
export type PrincipalReading =
  | { readonly kind: "none" }
  /** A header is there, but App Service Authentication is off: anyone could have sent it. */
  | { readonly kind: "untrusted" }
  /** App Service Authentication is on, but the header cannot be read: treated as no principal. */
  | { readonly kind: "malformed"; readonly reason: string }
  | { readonly kind: "principal"; readonly principal: Principal };

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const FALLBACK_NAME_TYPES = ["name", "preferred_username"];

/** An object or array JSON.parse made (in this realm); null and primitives are not. */
const isObject = (value: unknown): value is Record<string, unknown> => value instanceof Object;

/**
 * Reads the principal App Service Authentication passes to the app: `x-ms-client-principal`, base64 of
 * `{ auth_typ, claims: [{ typ, val }], name_typ, role_typ }`
 * (https://learn.microsoft.com/azure/app-service/configure-authentication-user-identities#decoding-the-client-principal-header).
 * The platform strips such headers from incoming requests only while authentication is enabled
 * (`WEBSITE_AUTH_ENABLED`), so without `authEnabled` the header is never believed. Entra ID's roles arrive as claims
 * of type `roles` while `role_typ` names the WS-Federation role claim type, so both count.
 */
export function readClientPrincipal(header: string | null, authEnabled: boolean): PrincipalReading {
  const value = header?.trim() ?? "";
  if (value === "") return { kind: "none" };
  if (!authEnabled) return { kind: "untrusted" };
  if (!BASE64.test(value)) return { kind: "malformed", reason: "it is not base64" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, "base64").toString("utf8"));
  } catch {
    return { kind: "malformed", reason: "its base64 does not hold JSON" };
  }
  if (!isObject(parsed) || !Array.isArray(parsed.claims)) {
    return { kind: "malformed", reason: "its JSON is not an object with a claims array" };
  }
  // A claim's type is only ever compared with text, so one that is not text matches nothing on its own.
  const claims = parsed.claims.filter(
    (c): c is { typ: unknown; val: string } => isObject(c) && typeof c.val === "string",
  );
  const text = (key: string) => (typeof parsed[key] === "string" ? parsed[key] : null);
  const roleType = text("role_typ");
  const roles = claims.filter((c) => c.typ === "roles" || c.typ === roleType).map((c) => c.val);
  const nameTypes = [text("name_typ"), ...FALLBACK_NAME_TYPES];
  const name = nameTypes.map((type) => claims.find((c) => c.typ === type)?.val).find((v) => v) ?? null;
  return {
    kind: "principal",
    principal: { name, identityProvider: text("auth_typ"), roles: [...new Set(roles)] },
  };
}
