import type { EndpointNeed } from "./EndpointNeed.js";
import type { Principal } from "./Principal.js";

/** The app roles that open the endpoints (M2M_OPERATOR_ROLE, M2M_READER_ROLE). */
export interface AccessRoles {
  readonly operator: string;
  readonly reader: string;
}

/**
 * What the presented key is, as the host that issued it says: none was presented, the host does not know it, it opens
 * function-level routes (a host or function key), or it is the admin (master) key.
 */
export type KeyLevel = "absent" | "invalid" | "function" | "admin";

/** The verdict: who got through, or the status, code and message that say which credential or role is missing. */
export type Access =
  | { readonly granted: true; readonly by: string }
  | {
      readonly granted: false;
      readonly status: 401 | 403;
      readonly code: "AUTH_CREDENTIAL_MISSING" | "AUTH_KEY_INVALID" | "AUTH_FORBIDDEN";
      readonly message: string;
    };

/**
 * Whether a caller may reach an endpoint. A principal with the right app role, or a key of the right level, is
 * enough (the operator role includes reading; the admin key opens everything). 401 when no credential (or only a key
 * the host does not know) was presented, 403 when the caller is known but not allowed; the message names what the
 * endpoint needs and what was missing, never the key. `target` is the method and path, without the query (it may
 * hold the key).
 */
export function decideAccess(input: {
  readonly need: EndpointNeed;
  readonly target: string;
  readonly principal: Principal | null;
  readonly key: KeyLevel;
  readonly roles: AccessRoles;
}): Access {
  const { need, principal, key, roles } = input;
  const operate = need.level === "operate";
  const opening = operate ? [roles.operator] : [roles.reader, roles.operator];
  const role = principal?.roles.find((r) => opening.includes(r));
  if (principal && role !== undefined) {
    return { granted: true, by: `${signedIn(principal)} with the app role '${role}'` };
  }
  if (key === "admin") return { granted: true, by: "the admin key" };
  if (key === "function" && !operate) return { granted: true, by: "a function key" };

  const needs = operate
    ? `the admin key (the host's master key) or an Entra sign-in with the app role '${roles.operator}'`
    : `a function key or an Entra sign-in with the app role '${roles.reader}' (or '${roles.operator}')`;
  const asked = `${input.target}${need.reason ? ` (${need.reason})` : ""} needs ${needs}`;
  if (!principal && key === "absent") {
    return {
      granted: false,
      status: 401,
      code: "AUTH_CREDENTIAL_MISSING",
      message:
        `${asked}, and the request carries neither. Send the key in the x-functions-key header (or ?code=), or sign ` +
        "in through the app's App Service Authentication.",
    };
  }
  if (!principal && key === "invalid") {
    return {
      granted: false,
      status: 401,
      code: "AUTH_KEY_INVALID",
      message: `${asked}; the key presented is not a key of this function app. Check the key (Function app → App keys).`,
    };
  }
  const missing = principal
    ? [`${signedIn(principal)} without the app role '${operate ? roles.operator : roles.reader}'`]
    : [];
  if (key === "function") missing.push("a function key opens reads only");
  if (key === "invalid") missing.push("the key presented is not a key of this function app");
  const fix = operate
    ? `Use the admin key, or assign the app role '${roles.operator}' to the person or a group of theirs`
    : `Present a function key, or assign the app role '${roles.reader}' to the person or a group of theirs`;
  return {
    granted: false,
    status: 403,
    code: "AUTH_FORBIDDEN",
    message: `${asked}: ${missing.join("; ")}. ${fix} (Enterprise applications → the app's App Service Authentication registration → Users and groups).`,
  };
}

function signedIn(principal: Principal): string {
  return principal.name ? `signed in as '${principal.name}'` : "signed in (no name claim)";
}
