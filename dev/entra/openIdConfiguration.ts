/** The OIDC discovery document, with the fields Entra ID publishes (MSAL reads the endpoints and the issuer). */
export interface OpenIdConfiguration {
  token_endpoint: string;
  token_endpoint_auth_methods_supported: string[];
  jwks_uri: string;
  response_modes_supported: string[];
  subject_types_supported: string[];
  id_token_signing_alg_values_supported: string[];
  response_types_supported: string[];
  scopes_supported: string[];
  issuer: string;
  request_uri_parameter_supported: boolean;
  userinfo_endpoint: string;
  authorization_endpoint: string;
  device_authorization_endpoint?: string;
  http_logout_supported: boolean;
  frontchannel_logout_supported: boolean;
  end_session_endpoint: string;
  claims_supported: string[];
  kerberos_endpoint: string;
  tenant_region_scope: string | null;
  cloud_instance_name: string;
  cloud_graph_host_name: string;
  msgraph_host: string;
  rbac_url: string;
}

/**
 * The v2.0 (`/{tenant}/v2.0/.well-known/openid-configuration`) or v1 (`/{tenant}/.well-known/openid-configuration`)
 * discovery document. Endpoints always carry the tenant id, whichever alias the request used, as Entra ID's do.
 * The v1 document's issuer is `https://sts.windows.net/{tid}/` in Entra ID; the stand-in has one host, so it uses
 * `<authorityHost>/{tid}/`. Only the v2 token endpoint is served.
 */
export function openIdConfiguration(
  authorityHost: string,
  tenantId: string,
  version: "v1" | "v2",
): OpenIdConfiguration {
  const base = `${authorityHost}/${tenantId}`;
  const v2 = version === "v2";
  return {
    token_endpoint: v2 ? `${base}/oauth2/v2.0/token` : `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: v2 ? `${base}/discovery/v2.0/keys` : `${base}/discovery/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: v2
      ? ["code", "id_token", "code id_token", "id_token token"]
      : ["code", "id_token", "code id_token", "token id_token", "token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: v2 ? `${base}/v2.0` : `${base}/`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
    authorization_endpoint: v2 ? `${base}/oauth2/v2.0/authorize` : `${base}/oauth2/authorize`,
    ...(v2 ? { device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode` } : {}),
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: v2 ? `${base}/oauth2/v2.0/logout` : `${base}/oauth2/logout`,
    claims_supported: [
      "sub",
      "iss",
      "cloud_instance_name",
      "cloud_instance_host_name",
      "cloud_graph_host_name",
      "msgraph_host",
      "aud",
      "exp",
      "iat",
      "auth_time",
      "acr",
      "nonce",
      "preferred_username",
      "name",
      "tid",
      "ver",
      "at_hash",
      "c_hash",
      "email",
    ],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: null,
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
    rbac_url: "https://pas.windows.net",
  };
}
