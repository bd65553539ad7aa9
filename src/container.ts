import { systemClock, type Clock } from "./clock/Clock.js";
import type { Config } from "./config/Config.js";
import { loadConfig, type Env } from "./config/loadConfig.js";
import type { CredentialProvider } from "./credentials/AppCredential.js";
import { createCredentialProvider } from "./credentials/createCredentialProvider.js";
import type { LoadedJobModule } from "./jobs/code/parseJobModules.js";
import type { Logger } from "./logging/Logger.js";
import { consoleLogger } from "./logging/consoleLogger.js";
import { ambientLogger } from "./logging/ambientLogger.js";
import type { AppMetrics } from "./telemetry/AppMetrics.js";
import { appMetrics } from "./telemetry/appMeter.js";
import { msalTokenSource } from "./tokens/msalTokenSource.js";
import type { TokenSource } from "./tokens/TokenSource.js";
import { ManagedIdentityCredential } from "@azure/identity";
import { createAlertChannels } from "./alerts/createAlertChannels.js";
import { createCertificateWatch, type CertificateWatch } from "./certificates/createCertificateWatch.js";
import { createDashboard, type Dashboard } from "./dashboard/createDashboard.js";
import { createInventoryService, type InventoryService } from "./certificates/createInventoryService.js";
import { createAzureCredential } from "./credentials/createAzureCredential.js";
import type { GraphApplications } from "./graph/GraphApplications.js";
import { graphApplicationsClient } from "./graph/graphApplicationsClient.js";
import { createRotationService, type RotationService } from "./rotation/createRotationService.js";
import { keyVaultRenewableCertificate } from "./rotation/keyVaultRenewableCertificate.js";
import { keyVaultKeys } from "./credentials/signing/keyVaultKeys.js";
import { ROTATION_TABLE, tableRotationStore } from "./rotation/tableRotationStore.js";
import { heldVersion } from "./rotation/RotationRecord.js";
import { createJobNotifier } from "./alerts/createJobNotifier.js";
import { ALERT_TABLE, tableAlertLedger } from "./alerts/tableAlertLedger.js";
import { createJobsService, type JobOutcomeNotifier } from "./jobs/createJobsService.js";
import type { JobsService } from "./jobs/JobsService.js";
import type { StorageConfig } from "./config/Config.js";
import { CHECKPOINT_TABLE, tableCheckpointStore } from "./state/tableCheckpointStore.js";
import { LEASE_TABLE, tableLeaseStore } from "./state/tableLeaseStore.js";
import { RUN_HISTORY_TABLE, tableRunHistory } from "./state/tableRunHistory.js";
import { createRetention, type Retention } from "./state/createRetention.js";
import { tableClientFor, type TableConnection } from "./state/tableClientFor.js";

/** The app's long-lived services. The Functions worker keeps the process warm, so they are built once. */
export interface Services {
  config: Config;
  credentials: CredentialProvider;
  tokens: TokenSource;
  jobs: JobsService;
  rotation: RotationService;
  inventory: InventoryService;
  watch: CertificateWatch;
  dashboard: Dashboard;
  /** Microsoft Graph's applications API, with the app's own token (m2m-diagnose checks the app can read itself). */
  graph: GraphApplications;
  /** Deletes old run history and delivered alerts; run by the certificate check. */
  retention: Retention;
  clock: Clock;
  logger: Logger;
  metrics: AppMetrics;
}

/** Composition root: wires the services for a configuration. */
export function createServices(
  config: Config,
  deps: {
    clock?: Clock;
    /** Default: the running invocation's logger, or the console outside an invocation. */
    logger?: Logger;
    /** Default: the app's metrics on the registered MeterProvider (no-ops with telemetry off). */
    metrics?: AppMetrics;
    notify?: JobOutcomeNotifier;
    /** Time kept after a job run's deadline to record and alert (default RECORD_MARGIN_MS; tests shorten it). */
    recordMarginMs?: number;
    /**
     * Whether the token path asks Table Storage if a key rotation holds an older certificate version (default true).
     * Off only where no storage is configured (m2m-diagnose on a workstation): the latest version is followed.
     */
    readRotationHold?: boolean;
  } = {},
): Services {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? ambientLogger(consoleLogger());
  const metrics = deps.metrics ?? appMetrics();
  const source = config.credential;
  // One identity for Azure resources per process (Key Vault, the federation assertion): one token cache.
  // Built without I/O; nothing asks for a token until a credential is needed.
  const azureCredential = createAzureCredential(
    config,
    source.kind === "keyvault-certificate" ? source.vaultAuth : "managed-identity",
  );
  const storage = tableConnection(config.storage);
  const rotations = tableRotationStore(tableClientFor(storage, ROTATION_TABLE));
  // One keys client per process for vault signing, shared by the token path and rotation (each key version's
  // public part is read once).
  const vaultKeys =
    source.kind === "keyvault-certificate"
      ? keyVaultKeys(source.vaultUrl, azureCredential, { metrics })
      : undefined;
  const credentials = createCredentialProvider(config, {
    clock,
    logger,
    azureCredential,
    ...(vaultKeys ? { vaultKeys } : {}),
    // A rotation that has not switched yet keeps the token path on the old version.
    ...(source.kind === "keyvault-certificate" && deps.readRotationHold !== false
      ? { holdVersion: rotationHold(storage, source.certificateName, clock) }
      : {}),
  });
  const tokens = msalTokenSource({ config, credentials, logger, clock, metrics });
  const leases = tableLeaseStore(tableClientFor(storage, LEASE_TABLE), { clock, logger });
  const channels = createAlertChannels({ ...config.alerts, metrics });
  const ledger = tableAlertLedger(tableClientFor(storage, ALERT_TABLE), { clock, logger });
  const history = tableRunHistory(tableClientFor(storage, RUN_HISTORY_TABLE));
  const jobs = createJobsService({
    jobs: config.jobs,
    code: {
      checkpoints: tableCheckpointStore(tableClientFor(storage, CHECKPOINT_TABLE), { clock, logger }),
      graphUrl: config.rotation.graphUrl,
    },
    metrics,
    tokens,
    history,
    leases,
    notify:
      deps.notify ??
      createJobNotifier({
        channels,
        ledger,
        threshold: config.alerts.afterFailures,
        clock,
      }),
    clock,
    maxBodyBytes: config.maxBodyBytes,
    ...(deps.recordMarginMs !== undefined ? { recordMarginMs: deps.recordMarginMs } : {}),
  });
  const vaultCredential = source.kind === "keyvault-certificate" ? azureCredential : null;
  const graph = graphApplicationsClient({ graphUrl: config.rotation.graphUrl, tokens, clock });
  const rotation = createRotationService({
    config,
    credentials,
    leases,
    store: rotations,
    vault:
      source.kind === "keyvault-certificate" && vaultCredential && vaultKeys
        ? keyVaultRenewableCertificate(source.vaultUrl, vaultCredential, clock, {
            signing: source.signing,
            keys: vaultKeys,
          })
        : null,
    graph,
    clock,
    metrics,
  });
  const inventory = createInventoryService({
    config,
    credentials,
    azureCredential,
    graph,
    rotations,
    clock,
  });
  const watch = createCertificateWatch({
    config,
    credentials,
    inventory,
    rotation,
    rotations,
    ledger,
    channels,
    clock,
    metrics,
  });
  const dashboard = createDashboard({ config, inventory, jobs, ledger, clock });
  const retention = createRetention({
    retentionDays: config.retentionDays,
    stores: [
      { name: "run history", rows: history },
      { name: "alert deliveries", rows: ledger },
    ],
    clock,
  });
  return {
    config,
    credentials,
    tokens,
    jobs,
    rotation,
    inventory,
    watch,
    dashboard,
    graph,
    retention,
    clock,
    logger,
    metrics,
  };
}

/**
 * The token path's question "which version does a rotation hold?" — asked on a cold start, a reload and a new
 * version seen. Storage trouble must not slow the token path: few retries, and after a failure the next minute's
 * loads follow the latest version without asking (the credential provider logs the failure).
 */
function rotationHold(
  storage: TableConnection,
  certificateName: string,
  clock: Clock,
): () => Promise<string | null> {
  const store = tableRotationStore(
    tableClientFor(storage, ROTATION_TABLE, {
      clientOptions: { retryOptions: { maxRetries: 1, retryDelayInMs: 200, maxRetryDelayInMs: 500 } },
      // A read only: a missing table (no rotation yet) reads as no record, without a create request on cold start.
      createIfMissing: false,
    }),
  );
  let unreadableUntil = 0;
  return async () => {
    if (clock().getTime() < unreadableUntil) {
      throw new Error("the rotation state could not be read a moment ago; it is asked again within a minute");
    }
    try {
      return heldVersion((await store.get(certificateName))?.record ?? null);
    } catch (error) {
      unreadableUntil = clock().getTime() + 60_000;
      throw error;
    }
  };
}

function tableConnection(storage: StorageConfig): TableConnection {
  if (storage.kind === "connection-string") return storage;
  return {
    kind: "identity",
    endpoint: storage.tableServiceUri,
    credential: storage.clientId
      ? new ManagedIdentityCredential({ clientId: storage.clientId })
      : new ManagedIdentityCredential(),
  };
}

let config: Config | undefined;
let services: Services | undefined;
let jobModules: readonly LoadedJobModule[] = [];

/**
 * The job modules the app was built with (src/index.ts loads them before any function file reads the configuration).
 * Only before the configuration is first read.
 */
export function provideJobModules(modules: readonly LoadedJobModule[]): void {
  if (config) throw new Error("provideJobModules: the configuration was already read without them");
  jobModules = modules;
}

/** The process-wide configuration, read once from the app settings. Throws the list of every problem. */
export function getConfig(env: Env = process.env): Config {
  config ??= loadConfig(env, undefined, { jobModules });
  return config;
}

/**
 * The process-wide services, built on first use (not at import: registering functions costs no SDK client).
 * A configuration error is thrown to every caller until the settings are fixed.
 */
export function getServices(env: Env = process.env): Services {
  services ??= createServices(getConfig(env));
  return services;
}
