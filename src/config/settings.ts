import { authSettings } from "../auth/authSettings.js";
import { expiryPolicySettings } from "../certificates/parseExpiryPolicy.js";
import { telemetrySettingDocs } from "../telemetry/telemetrySettings.js";

/**
 * Every app setting the app reads, with its documentation. README.md and local.settings.example.json list
 * the same names (a test keeps them in step).
 */
export interface SettingDoc {
  name: string;
  /** Shown in errors and docs: the expected form. */
  form: string;
  required: "always" | "for a credential source" | "no";
  secret: boolean;
}

export const settings = {
  ...expiryPolicySettings,
  ...telemetrySettingDocs,
  ...authSettings,
  tenantId: {
    name: "M2M_TENANT_ID",
    form: "directory (tenant) id GUID or verified domain",
    required: "always",
    secret: false,
  },
  clientId: {
    name: "M2M_CLIENT_ID",
    form: "application (client) id GUID",
    required: "always",
    secret: false,
  },
  authorityHost: {
    name: "M2M_AUTHORITY_HOST",
    form: "https URL, or AzurePublicCloud | AzureUSGovernment | AzureChinaCloud (default AzurePublicCloud)",
    required: "no",
    secret: false,
  },
  scope: {
    name: "M2M_SCOPE",
    form: "<resource>/.default, e.g. api://my-api/.default",
    required: "always",
    secret: false,
  },
  credentialSource: {
    name: "M2M_CREDENTIAL_SOURCE",
    form: "keyvault-certificate | certificate-file | client-secret | managed-identity-federation (default keyvault-certificate)",
    required: "no",
    secret: false,
  },
  keyVaultUrl: {
    name: "M2M_KEYVAULT_URL",
    form: "https://<vault>.vault.azure.net",
    required: "for a credential source",
    secret: false,
  },
  certificateName: {
    name: "M2M_KEYVAULT_CERTIFICATE_NAME",
    form: "Key Vault certificate name (1-127 letters, digits, dashes)",
    required: "for a credential source",
    secret: false,
  },
  certificateVersion: {
    name: "M2M_KEYVAULT_CERTIFICATE_VERSION",
    form: "32 hex characters; empty = always the latest version",
    required: "no",
    secret: false,
  },
  certificateRefreshMinutes: {
    name: "M2M_KEYVAULT_REFRESH_MINUTES",
    form: "whole minutes between checks for a new certificate version, 0 = only after a certificate error (default 10)",
    required: "no",
    secret: false,
  },
  keyVaultSigning: {
    name: "M2M_KEYVAULT_SIGNING",
    form: "auto | vault | local (default auto: sign in Key Vault when the certificate's key is not exportable)",
    required: "no",
    secret: false,
  },
  keyVaultAuth: {
    name: "M2M_KEYVAULT_AUTH",
    form: "managed-identity | default-azure-credential (default managed-identity)",
    required: "no",
    secret: false,
  },
  managedIdentityClientId: {
    name: "M2M_MANAGED_IDENTITY_CLIENT_ID",
    form: "client id GUID of a user-assigned managed identity; empty = system-assigned",
    required: "no",
    secret: false,
  },
  certificatePath: {
    name: "M2M_CERTIFICATE_PATH",
    form: "path to a .pem (key + certificate) or .pfx/.p12 file",
    required: "for a credential source",
    secret: false,
  },
  certificatePassword: {
    name: "M2M_CERTIFICATE_PASSWORD",
    form: "password of the PFX or encrypted PEM key",
    required: "no",
    secret: true,
  },
  clientSecret: {
    name: "M2M_CLIENT_SECRET",
    form: "the client secret's Value (not its Secret ID)",
    required: "for a credential source",
    secret: true,
  },
  federationAudience: {
    name: "M2M_FEDERATION_AUDIENCE",
    form: "audience of the federated credential (default api://AzureADTokenExchange)",
    required: "no",
    secret: false,
  },
  thumbprintAlgorithm: {
    name: "M2M_THUMBPRINT_ALGORITHM",
    form: "sha256 (PS256 assertions, default) | sha1 (RS256, legacy)",
    required: "no",
    secret: false,
  },
  sendX5c: {
    name: "M2M_SEND_X5C",
    form: "true | false: send the certificate chain (x5c) for subject name + issuer authentication (default false)",
    required: "no",
    secret: false,
  },
  jobs: {
    name: "M2M_JOBS",
    form: "JSON array of job definitions (see README: Jobs)",
    required: "no",
    secret: false,
  },
  jobsFile: {
    name: "M2M_JOBS_FILE",
    form: "path of a JSON file of job definitions shipped with the app, relative to the app root (used when M2M_JOBS is empty)",
    required: "no",
    secret: false,
  },
  exampleJobs: {
    name: "M2M_EXAMPLE_JOBS",
    form: "true | false: also run the example job modules of examples/jobs (default false; the demo turns it on)",
    required: "no",
    secret: false,
  },
  runDeadlineSeconds: {
    name: "M2M_RUN_DEADLINE_SECONDS",
    form: "whole seconds a job run may take, all retries included, ending at least 30 s before host.json functionTimeout (default 540, or less when functionTimeout is shorter)",
    required: "no",
    secret: false,
  },
  maxBodyBytes: {
    name: "M2M_MAX_BODY_BYTES",
    form: "whole bytes of a downstream response body to read at most (default 1048576)",
    required: "no",
    secret: false,
  },
  storageConnection: {
    name: "M2M_STORAGE_CONNECTION",
    form: "storage connection string for run history, leases and the alert ledger (default: AzureWebJobsStorage)",
    required: "no",
    secret: true,
  },
  retentionDays: {
    name: "M2M_RETENTION_DAYS",
    form: "whole days from 1 to 3650 that run history and delivered alerts (sent, or given up) are kept (default 30)",
    required: "no",
    secret: false,
  },
  alertAfterFailures: {
    name: "M2M_ALERT_AFTER_FAILURES",
    form: "whole number of consecutive failed runs before a job alerts (default 3)",
    required: "no",
    secret: false,
  },
  teamsWebhookUrl: {
    name: "M2M_ALERT_TEAMS_WEBHOOK_URL",
    form: 'https URL of a Teams Workflows webhook ("Post to a channel when a webhook request is received")',
    required: "no",
    secret: true,
  },
  slackWebhookUrl: {
    name: "M2M_ALERT_SLACK_WEBHOOK_URL",
    form: "https URL of a Slack incoming webhook",
    required: "no",
    secret: true,
  },
  webhookUrl: {
    name: "M2M_ALERT_WEBHOOK_URL",
    form: "https URL receiving alerts as JSON",
    required: "no",
    // Receivers take their key in the URL (a token in the path or the query) as often as in a header.
    secret: true,
  },
  webhookSecret: {
    name: "M2M_ALERT_WEBHOOK_SECRET",
    form: "secret for the X-M2M-Signature HMAC-SHA256 header of M2M_ALERT_WEBHOOK_URL",
    required: "no",
    secret: true,
  },
  certificateCheckSchedule: {
    name: "M2M_CERT_CHECK_SCHEDULE",
    form: "six-field NCRONTAB for the certificate check (default 0 0 6 * * *, daily at 06:00 UTC)",
    required: "no",
    secret: false,
  },
  graphUrl: {
    name: "M2M_GRAPH_URL",
    form: "Microsoft Graph root URL (default https://graph.microsoft.com; sovereign clouds have their own)",
    required: "no",
    secret: false,
  },
  rotationGraceHours: {
    name: "M2M_ROTATION_GRACE_HOURS",
    form: "whole hours the old key stays registered after switching to the new certificate (default 24)",
    required: "no",
    secret: false,
  },
  certificateScope: {
    name: "M2M_CERT_SCOPE",
    form: "comma-separated certificates to watch besides the app's own: https://<vault>.vault.azure.net (every certificate in the vault), https://<vault>.vault.azure.net/certificates/<name> (one certificate), or a bare <name> in M2M_KEYVAULT_URL's vault; empty = the app's own certificate only",
    required: "no",
    secret: false,
  },
  certificateScopeTag: {
    name: "M2M_CERT_SCOPE_TAG",
    form: "<tag> or <tag>=<value>: whole-vault entries of M2M_CERT_SCOPE watch only certificates with this tag (named certificates are always watched)",
    required: "no",
    secret: false,
  },
  renewBeforeDays: {
    name: "M2M_CERT_RENEW_BEFORE_DAYS",
    form: "whole days from 1 to 3650 before expiry when the app renews its own certificate and rotates the app registration's key (default 30)",
    required: "no",
    secret: false,
  },
  alertAppCredentials: {
    name: "M2M_CERT_ALERT_APP_CREDENTIALS",
    form: "true | false: also alert on the app registration's own client secrets and certificates uploaded outside Key Vault (Graph keyCredentials, passwordCredentials) as they near expiry (default true)",
    required: "no",
    secret: false,
  },
  rotationDryRun: {
    name: "M2M_ROTATION_DRY_RUN",
    form: "true | false: report what renewal and rotation would do, change nothing (default false)",
    required: "no",
    secret: false,
  },
} as const satisfies Record<string, SettingDoc>;
