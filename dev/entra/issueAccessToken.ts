import { randomBytes } from "node:crypto";
import type { JwtClaims } from "../jwt.js";
import { recordSecret } from "../secrets/recordSecret.js";
import type { SigningKeys } from "./SigningKeys.js";

/** Who the token is for: a client application's or a managed identity's service principal. */
export interface TokenSubject {
  clientId: string;
  /** The service principal's object id: `oid` and `sub`. */
  objectId: string;
  /** How the client authenticated: "1" client secret, "2" certificate, federated assertion or managed identity. */
  acr: "1" | "2";
  /** The managed identity's ARM resource id (`xms_mirid`), for managed identity tokens. */
  managedIdentityResourceId?: string;
}

export interface IssuedAccessToken {
  token: string;
  /** `exp`, in Unix seconds. */
  expiresOnSeconds: number;
}

/**
 * Entra ID's limit for the `groups` claim of a JWT: beyond it the token carries an overage claim instead
 * (https://learn.microsoft.com/entra/identity-platform/access-token-claims-reference#groups-overage-claim).
 */
export const GROUPS_CLAIM_LIMIT = 200;

/**
 * Signs an app-only access token in the shape Entra ID issues for client credentials: `aud` is the resource's
 * application ID URI, `roles` only when app roles are assigned, `groups` only when the resource's
 * groupMembershipClaims names some of the principal's groups (over {@link GROUPS_CLAIM_LIMIT}: the overage claims
 * `_claim_names`/`_claim_sources` instead, whose endpoint is an Azure AD Graph URL as the reference says),
 * `idtyp: "app"`, and both the v1 (`appid`, `appidacr`) and v2 (`azp`, `azpacr`) names of the client. `iat`/`nbf`
 * lie five minutes in the past, as the service backdates them against clock skew.
 */
export function issueAccessToken(input: {
  signingKeys: SigningKeys;
  issuer: string;
  tenantId: string;
  audience: string;
  subject: TokenSubject;
  roles: string[];
  /** Group object ids for the `groups` claim (see Directory.groupsClaimFor); default none. */
  groups?: string[];
  nowMs: number;
  lifetimeSeconds: number;
}): IssuedAccessToken {
  const now = Math.floor(input.nowMs / 1000);
  const exp = now + input.lifetimeSeconds;
  const { subject } = input;
  const groups = input.groups ?? [];
  const groupsClaims: JwtClaims =
    groups.length > GROUPS_CLAIM_LIMIT
      ? {
          _claim_names: { groups: "src1" },
          _claim_sources: {
            src1: {
              endpoint: `https://graph.windows.net/${input.tenantId}/servicePrincipals/${subject.objectId}/getMemberObjects`,
            },
          },
        }
      : groups.length > 0
        ? { groups }
        : {};
  const claims: JwtClaims = {
    aud: input.audience,
    iss: input.issuer,
    iat: now - 300,
    nbf: now - 300,
    exp,
    ...groupsClaims,
    appid: subject.clientId,
    appidacr: subject.acr,
    azp: subject.clientId,
    azpacr: subject.acr,
    idtyp: "app",
    oid: subject.objectId,
    ...(input.roles.length > 0 ? { roles: input.roles } : {}),
    sub: subject.objectId,
    tid: input.tenantId,
    uti: randomBytes(16).toString("base64url"),
    ver: "2.0",
    ...(subject.managedIdentityResourceId ? { xms_mirid: subject.managedIdentityResourceId } : {}),
  };
  const token = input.signingKeys.sign(claims);
  recordSecret(subject.managedIdentityResourceId ? "managed-identity-token" : "access-token", token);
  return { token, expiresOnSeconds: exp };
}
