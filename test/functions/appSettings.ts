/** Valid settings for loading the real entry in the local host (no I/O happens at registration). */
export function appSettings(jobs: unknown[], extra: Record<string, string> = {}): Record<string, string> {
  return {
    M2M_TENANT_ID: "8b1f1c0e-1111-4222-8333-944455556666",
    M2M_CLIENT_ID: "3d4e5f60-1111-4222-8333-944455556666",
    M2M_SCOPE: "api://m2m-downstream/.default",
    M2M_KEYVAULT_URL: "https://kv.test",
    M2M_KEYVAULT_CERTIFICATE_NAME: "app",
    AzureWebJobsStorage: "UseDevelopmentStorage=true",
    M2M_JOBS: JSON.stringify(jobs),
    ...extra,
  };
}
