import type { ExpiryPolicy } from "../certificates/ExpiryPolicy.js";
import type { JobDefinition } from "../jobs/JobDefinition.js";

/** M2M_KEYVAULT_SIGNING: where a Key Vault certificate's key signs (see CredentialConfig). */
export type KeyVaultSigning = "auto" | "vault" | "local";

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
      /**
       * Where the certificate's key signs: "local" reads it from the certificate's secret (exportable keys only);
       * "vault" never reads the secret, Key Vault signs (`keys/sign`); "auto" reads the secret and signs in Key Vault
       * when it holds no key (a non-exportable certificate).
       */
      signing: KeyVaultSigning;
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
  /** Run history and delivered alerts older than this many days are deleted (by the certificate check). */
  retentionDays: number;
  alerts: AlertConfig;
  rotation: RotationConfig;
  /** When certificates (and client secrets) are due for warnings, critical alerts and reminders. */
  expiry: ExpiryPolicy;
  watch: CertificateWatchConfig;
}

/** Which certificates the scheduled check watches, and when the app renews its own. */
export interface CertificateWatchConfig {
  /** Vaults whose every certificate is watched (origin, no trailing slash). */
  vaults: readonly string[];
  /** Single certificates watched, wherever they are. */
  certificates: readonly { vaultUrl: string; name: string }[];
  /** Whole-vault scans keep only certificates with this tag: "name" or "name=value"; null = every certificate. */
  tag: string | null;
  /** The app's own certificate is renewed (and the key rotated) from this many days before it expires. */
  renewBeforeDays: number;
  /** Alert on the app registration's client secrets and keys too (Graph). */
  appCredentials: boolean;
}

/** Renewal and key rotation of the app's own Key Vault certificate. */
export interface RotationConfig {
  /** Microsoft Graph root, no trailing slash, without /v1.0. */
  graphUrl: string;
  graceMs: number;
  dryRun: boolean;
}
