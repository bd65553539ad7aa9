/** Where the CLI finds the tenant: the app's own settings (M2M_TENANT_ID, M2M_AUTHORITY_HOST, M2M_GRAPH_URL). */
export interface TenantSettings {
  /** The directory (tenant) id GUID, or a verified domain. */
  tenantId: string;
  /** Scheme + host (+ port), no trailing slash: https://login.microsoftonline.com, a national cloud's, the stand-in's. */
  authorityHost: string;
  /** Microsoft Graph's root, no trailing slash, without /v1.0. */
  graphUrl: string;
}
