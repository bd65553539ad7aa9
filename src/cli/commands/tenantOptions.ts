/** The options every tenant command takes. */
export const TENANT_OPTIONS = {
  settings: { type: "string" },
  tenant: { type: "string" },
  "dry-run": { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The usage text of {@link TENANT_OPTIONS}. */
export const TENANT_OPTIONS_USAGE = `Common options:
  --settings FILE   app settings file (default ./local.settings.json when there is one); the environment wins over it
  --tenant ID       the tenant (default M2M_TENANT_ID); M2M_AUTHORITY_HOST and M2M_GRAPH_URL choose the cloud
  --dry-run         read what is there and print every Graph and Key Vault write it would send; send none
Signs in as you with DefaultAzureCredential: 'az login', the Azure account in VS Code, or AZURE_TENANT_ID,
AZURE_CLIENT_ID and AZURE_CLIENT_SECRET for a service principal.`;
