import type { ExpiryPolicy } from "../certificates/ExpiryPolicy.js";
import type { JobDefinition } from "../jobs/JobDefinition.js";

/** Where the app's credential for Entra ID comes from. */
export type CredentialConfig =
  | {
      kind: "keyvault-certificate";
      vaultUrl: string;
      certificateName: string;
      /** Pinned version, or null for the latest. */
      certificateVersion: string | null;
      /** 0 = check for a new version only after a certificate error. Ignored when a version is pinned. */
      refreshMinutes: number;
      /** How the app authenticates to Key Vault. */
      vaultAuth: "managed-identity" | "default-azure-credential";
    }
  | { kind: "certificate-file"; path: string; password: string | null }
  | { kind: "client-secret"; secret: string }
  | { kind: "managed-identity-federation"; audience: string };

/** Where the app keeps its state (run history, leases, alert ledger): Azure Table Storage. */
export type StorageConfig =
  | { kind: "connection-string"; connectionString: string }
  /** Identity-based connection (AzureWebJobsStorage__tableServiceUri / __accountName): managed identity. */
  | { kind: "identity"; tableServiceUri: string; clientId: string | null };

/** Alert channels (any number, several at once) and when jobs alert. */
export interface AlertConfig {
  teamsWebhookUrl: string | null;
  slackWebhookUrl: string | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
  /** A job alerts once after this many consecutive failed runs. */
  afterFailures: number;
}

/** The app's settings, parsed and checked once. Frozen; no optional gaps. */
export interface Config {
  tenantId: string;
  clientId: string;
  /** Scheme + host (+ port), no trailing slash, e.g. https://login.microsoftonline.com. */
  authorityHost: string;
  /** `${authorityHost}/${tenantId}`. */
  authority: string;
  /** Default scope for token requests: `<resource>/.default`. */
  scope: string;
  credential: CredentialConfig;
  /** User-assigned managed identity client id, or null for the system-assigned identity. */
  managedIdentityClientId: string | null;
  thumbprintAlgorithm: "sha256" | "sha1";
  sendX5c: boolean;
  jobs: readonly JobDefinition[];
  /** Cap and default of a job run's deadline. */
  runDeadlineMs: number;
  maxBodyBytes: number;
  storage: StorageConfig;
  alerts: AlertConfig;
  rotation: RotationConfig;
  /** When certificates (and client secrets) are due for warnings, critical alerts and reminders. */
  expiry: ExpiryPolicy;
}

/** Renewal and key rotation of the app's own Key Vault certificate. */
export interface RotationConfig {
  /** Microsoft Graph root, no trailing slash, without /v1.0. */
  graphUrl: string;
  graceMs: number;
  dryRun: boolean;
}
