/**
 * The OIDC discovery document of an Entra ID authority, built instead of fetched: MSAL takes it as
 * `authorityMetadata`, so a cold start costs one token request instead of two. The endpoints follow the fixed
 * layout every Entra ID cloud (and the local stand-in) uses; MSAL checks only that the issuer's scheme, host and
 * port match the authority.
 */
export function buildAuthorityMetadata(authorityHost: string, tenant: string): string {
  const base = `${authorityHost}/${tenant}`;
  return JSON.stringify({
    token_endpoint: `${base}/oauth2/v2.0/token`,
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    jwks_uri: `${base}/discovery/v2.0/keys`,
    issuer: `${base}/v2.0`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
  });
}
