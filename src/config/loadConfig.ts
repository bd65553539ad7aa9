import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { ConfigurationError } from "../errors.js";
import type { JobDefinition } from "../jobs/JobDefinition.js";
import { isLoopbackHost } from "../net/isLoopbackHost.js";
import { readRunDeadline } from "./readRunDeadline.js";
import { parseJobs } from "../jobs/parseJobs.js";
import { ncrontabProblem } from "../jobs/nextOccurrence.js";
import { parseExpiryPolicy } from "../certificates/parseExpiryPolicy.js";
import type { CertificateWatchConfig, Config, CredentialConfig, StorageConfig } from "./Config.js";
import { settings, type SettingDoc } from "./settings.js";

export type Env = Readonly<Record<string, string | undefined>>;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const CERTIFICATE_NAME = /^[0-9a-zA-Z-]{1,127}$/;
const CERTIFICATE_VERSION = /^[0-9a-f]{32}$/i;

/** Sovereign clouds by the names @azure/identity's AzureAuthorityHosts uses. */
const CLOUDS: Record<string, string> = {
  azurepubliccloud: "https://login.microsoftonline.com",
  azureusgovernment: "https://login.microsoftonline.us",
  azurechinacloud: "https://login.chinacloudapi.cn",
};

/**
 * Reads the app settings once, checks all of them and returns a frozen Config — or throws one
 * ConfigurationError listing every missing or invalid setting with the expected form and the value given
 * (secrets as <redacted>).
 */
export function loadConfig(
  env: Env,
  readTextFile: (path: string) => string = (path) => readFileSync(path, "utf8"),
): Config {
  const problems: string[] = [];
  // The shipped host.json, at the app root like M2M_JOBS_FILE's paths; null where there is none (a test, a tool).
  const hostJson = (): string | null => {
    try {
      return readTextFile(resolve("host.json"));
    } catch {
      return null;
    }
  };
  const read = (doc: SettingDoc): string | undefined => {
    const raw = env[doc.name]?.trim();
    return raw === undefined || raw === "" ? undefined : raw;
  };
  const shown = (doc: SettingDoc, value: string) => (doc.secret ? "<redacted>" : JSON.stringify(value));
  const invalid = (doc: SettingDoc, value: string, why = "") =>
    problems.push(`${doc.name}: expected ${doc.form}${why ? ` (${why})` : ""}; got ${shown(doc, value)}`);
  const missing = (doc: SettingDoc, context = "") =>
    problems.push(`${doc.name} is missing${context}: set it to ${doc.form}`);

  const required = (doc: SettingDoc, test: (v: string) => boolean, context = ""): string => {
    const value = read(doc);
    if (value === undefined) missing(doc, context);
    else if (!test(value)) invalid(doc, value);
    return value ?? "";
  };
  const oneOf = <T extends string>(doc: SettingDoc, allowed: readonly T[], fallback: T): T => {
    const value = read(doc);
    if (value === undefined) return fallback;
    const match = allowed.find((a) => a === value.toLowerCase());
    if (match === undefined) invalid(doc, value);
    return match ?? fallback;
  };

  const tenantId = required(settings.tenantId, (v) => GUID.test(v) || DOMAIN.test(v));
  const clientId = required(settings.clientId, (v) => GUID.test(v));
  const scope = required(settings.scope, (v) => /^\S+\/\.default$/.test(v));

  let authorityHost = CLOUDS.azurepubliccloud!;
  const hostValue = read(settings.authorityHost);
  if (hostValue !== undefined) {
    const cloud = CLOUDS[hostValue.toLowerCase()];
    const url = cloud ? new URL(cloud) : URL.parse(hostValue);
    if (!url || url.protocol !== "https:" || (url.pathname !== "/" && url.pathname !== "") || url.search) {
      invalid(settings.authorityHost, hostValue, "MSAL requires https and a host without a path");
    } else {
      authorityHost = url.origin;
    }
  }

  const managedIdentityClientId = read(settings.managedIdentityClientId) ?? null;
  if (managedIdentityClientId !== null && !GUID.test(managedIdentityClientId)) {
    invalid(settings.managedIdentityClientId, managedIdentityClientId);
  }

  const source = oneOf(
    settings.credentialSource,
    ["keyvault-certificate", "certificate-file", "client-secret", "managed-identity-federation"] as const,
    "keyvault-certificate",
  );
  const forSource = ` (needed by ${settings.credentialSource.name}=${source})`;
  let credential: CredentialConfig;
  switch (source) {
    case "keyvault-certificate": {
      const vaultUrl = required(settings.keyVaultUrl, isVaultUrl, forSource);
      const certificateName = required(settings.certificateName, (v) => CERTIFICATE_NAME.test(v), forSource);
      const certificateVersion = read(settings.certificateVersion) ?? null;
      if (certificateVersion !== null && !CERTIFICATE_VERSION.test(certificateVersion)) {
        invalid(settings.certificateVersion, certificateVersion);
      }
      const refresh = read(settings.certificateRefreshMinutes);
      let refreshMinutes = 10;
      if (refresh !== undefined) {
        if (/^\d{1,5}$/.test(refresh)) refreshMinutes = Number(refresh);
        else invalid(settings.certificateRefreshMinutes, refresh);
      }
      const vaultAuth = oneOf(
        settings.keyVaultAuth,
        ["managed-identity", "default-azure-credential"] as const,
        "managed-identity",
      );
      credential = {
        kind: source,
        vaultUrl: vaultUrl.replace(/\/+$/, ""),
        certificateName,
        certificateVersion: certificateVersion?.toLowerCase() ?? null,
        refreshMinutes,
        vaultAuth,
      };
      break;
    }
    case "certificate-file":
      credential = {
        kind: source,
        path: required(settings.certificatePath, () => true, forSource),
        password: read(settings.certificatePassword) ?? null,
      };
      break;
    case "client-secret": {
      const secret = required(settings.clientSecret, () => true, forSource);
      if (GUID.test(secret)) {
        problems.push(
          `${settings.clientSecret.name}: got <redacted>, which has the form of a GUID — that is the secret's ID; ` +
            "set the secret's Value (shown once, when the secret is created)",
        );
      }
      credential = { kind: source, secret };
      break;
    }
    case "managed-identity-federation":
      credential = {
        kind: source,
        audience: read(settings.federationAudience) ?? "api://AzureADTokenExchange",
      };
      break;
  }

  const thumbprintAlgorithm = oneOf(settings.thumbprintAlgorithm, ["sha256", "sha1"] as const, "sha256");
  const sendX5c = oneOf(settings.sendX5c, ["true", "false"] as const, "false") === "true";

  const wholeNumber = (doc: SettingDoc, fallback: number, min: number, max: number): number => {
    const value = read(doc);
    if (value === undefined) return fallback;
    if (/^\d+$/.test(value) && Number(value) >= min && Number(value) <= max) return Number(value);
    invalid(doc, value, `${min}..${max}`);
    return fallback;
  };
  const runDeadline = readRunDeadline(
    settings.runDeadlineSeconds,
    read(settings.runDeadlineSeconds),
    hostJson(),
  );
  if (runDeadline.problem) problems.push(runDeadline.problem);
  const runDeadlineMs = runDeadline.ms;
  const maxBodyBytes = wholeNumber(settings.maxBodyBytes, 1_048_576, 1024, 64 * 1_048_576);
  const afterFailures = wholeNumber(settings.alertAfterFailures, 3, 1, 1000);
  const retentionDays = wholeNumber(settings.retentionDays, 30, 1, 3650);

  const webhook = (doc: SettingDoc): string | null => {
    const value = read(doc);
    if (value === undefined) return null;
    const url = URL.parse(value);
    if (url && (url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname)))) {
      return url.href;
    }
    invalid(doc, value);
    return null;
  };
  const alerts = {
    teamsWebhookUrl: webhook(settings.teamsWebhookUrl),
    slackWebhookUrl: webhook(settings.slackWebhookUrl),
    webhookUrl: webhook(settings.webhookUrl),
    webhookSecret: read(settings.webhookSecret) ?? null,
    afterFailures,
  };

  const storage = readStorage(env, managedIdentityClientId, problems);
  const checkSchedule = read(settings.certificateCheckSchedule);
  const scheduleProblem = checkSchedule === undefined ? null : ncrontabProblem(checkSchedule);
  if (checkSchedule !== undefined && scheduleProblem)
    invalid(settings.certificateCheckSchedule, checkSchedule, scheduleProblem);
  const expiry = parseExpiryPolicy(env);
  problems.push(...expiry.problems);

  let graphUrl = "https://graph.microsoft.com";
  const graphValue = read(settings.graphUrl);
  if (graphValue !== undefined) {
    const url = URL.parse(graphValue);
    if (url && url.protocol === "https:")
      graphUrl = `${url.origin}${url.pathname.replace(/\/+$/, "").replace(/\/v1\.0$/, "")}`;
    else invalid(settings.graphUrl, graphValue);
  }
  const rotation = {
    graphUrl,
    graceMs: wholeNumber(settings.rotationGraceHours, 24, 0, 24 * 90) * 3_600_000,
    dryRun: oneOf(settings.rotationDryRun, ["true", "false"] as const, "false") === "true",
  };

  const watch = readWatch(credential, (doc) => read(doc), invalid);
  const watchConfig: CertificateWatchConfig = {
    ...watch,
    renewBeforeDays: wholeNumber(settings.renewBeforeDays, 30, 1, 3650),
    appCredentials: oneOf(settings.alertAppCredentials, ["true", "false"] as const, "true") === "true",
  };

  let jobs: readonly JobDefinition[] = [];
  const jobsJson = read(settings.jobs);
  const jobsFile = read(settings.jobsFile);
  if (jobsJson !== undefined || jobsFile !== undefined) {
    const origin = jobsJson !== undefined ? settings.jobs.name : `${settings.jobsFile.name} ${jobsFile}`;
    let text: string | undefined = jobsJson;
    if (text === undefined) {
      try {
        text = readTextFile(resolve(jobsFile!));
      } catch (error) {
        problems.push(
          `${origin}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)}); set ${settings.jobsFile.name} to a path relative to the app root`,
        );
      }
    }
    if (text !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error) {
        problems.push(
          `${origin}: expected ${settings.jobs.form}; the JSON does not parse (${(error as Error).message})`,
        );
      }
      if (parsed !== undefined) {
        try {
          jobs = parseJobs(
            parsed,
            { scope: scope || "missing/.default", deadlineMs: runDeadlineMs },
            env,
            jobsJson !== undefined ? settings.jobs.name : "jobs",
          );
        } catch (error) {
          if (!(error instanceof ConfigurationError)) throw error;
          problems.push(...error.problems.map((p) => (jobsJson !== undefined ? p : `${origin}: ${p}`)));
        }
      }
    }
  }

  if (problems.length > 0) throw new ConfigurationError(problems);
  return deepFreeze({
    tenantId,
    clientId,
    authorityHost,
    authority: `${authorityHost}/${tenantId}`,
    scope,
    credential,
    managedIdentityClientId,
    thumbprintAlgorithm,
    sendX5c,
    jobs,
    runDeadlineMs,
    maxBodyBytes,
    storage,
    retentionDays,
    alerts,
    rotation,
    expiry: expiry.policy,
    watch: watchConfig,
  });
}

/**
 * The app's own storage: M2M_STORAGE_CONNECTION, else the host's AzureWebJobsStorage — a connection string or an
 * identity-based connection (AzureWebJobsStorage__tableServiceUri or __accountName, with managed identity).
 */
function readStorage(env: Env, managedIdentityClientId: string | null, problems: string[]): StorageConfig {
  const connection = env[settings.storageConnection.name]?.trim() || env.AzureWebJobsStorage?.trim();
  if (connection) {
    if (
      connection === "UseDevelopmentStorage=true" ||
      /AccountName=|TableEndpoint=|SharedAccessSignature=/i.test(connection)
    ) {
      return { kind: "connection-string", connectionString: connection };
    }
    problems.push(
      `${settings.storageConnection.name} / AzureWebJobsStorage: expected a storage connection string (DefaultEndpointsProtocol=...;AccountName=...) or UseDevelopmentStorage=true; got <redacted>`,
    );
    return { kind: "connection-string", connectionString: "" };
  }
  const serviceUri =
    env.AzureWebJobsStorage__tableServiceUri?.trim() ||
    (env.AzureWebJobsStorage__accountName?.trim()
      ? `https://${env.AzureWebJobsStorage__accountName.trim()}.table.core.windows.net`
      : undefined);
  if (serviceUri) {
    return {
      kind: "identity",
      tableServiceUri: serviceUri.replace(/\/+$/, ""),
      clientId: env.AzureWebJobsStorage__clientId?.trim() || managedIdentityClientId,
    };
  }
  problems.push(
    `${settings.storageConnection.name} or AzureWebJobsStorage is missing: set a storage connection string (UseDevelopmentStorage=true for Azurite), or AzureWebJobsStorage__accountName for an identity-based connection`,
  );
  return { kind: "connection-string", connectionString: "" };
}

const TAG = /^[^=,]{1,512}(=[^,]{0,256})?$/;

/** M2M_CERT_SCOPE and M2M_CERT_SCOPE_TAG: whole vaults and single certificates (deduplicated), and the tag filter. */
function readWatch(
  credential: CredentialConfig,
  read: (doc: SettingDoc) => string | undefined,
  invalid: (doc: SettingDoc, value: string, why?: string) => void,
): Pick<CertificateWatchConfig, "vaults" | "certificates" | "tag"> {
  const vaults = new Map<string, string>();
  const certificates = new Map<string, { vaultUrl: string; name: string }>();
  const scope = read(settings.certificateScope);
  for (const entry of (scope ?? "")
    .split(",")
    .map((e) => e.trim())
    .filter((e) => e !== "")) {
    if (CERTIFICATE_NAME.test(entry)) {
      if (credential.kind !== "keyvault-certificate") {
        invalid(
          settings.certificateScope,
          entry,
          "a bare name needs M2M_KEYVAULT_URL; give the full https://<vault>.vault.azure.net/certificates/<name>",
        );
        continue;
      }
      certificates.set(`${credential.vaultUrl.toLowerCase()}/${entry.toLowerCase()}`, {
        vaultUrl: credential.vaultUrl,
        name: entry,
      });
      continue;
    }
    const url = URL.parse(entry);
    const path = url?.pathname.replace(/\/+$/, "") ?? "";
    const named = /^\/certificates\/([^/]+)$/.exec(path);
    if (!url || url.protocol !== "https:" || url.search || url.hash)
      invalid(settings.certificateScope, entry);
    else if (path === "") vaults.set(url.origin.toLowerCase(), url.origin);
    else if (named && CERTIFICATE_NAME.test(named[1]!)) {
      certificates.set(`${url.origin.toLowerCase()}/${named[1]!.toLowerCase()}`, {
        vaultUrl: url.origin,
        name: named[1]!,
      });
    } else invalid(settings.certificateScope, entry, "the path must be empty or /certificates/<name>");
  }
  const tag = read(settings.certificateScopeTag) ?? null;
  if (tag !== null && !TAG.test(tag)) invalid(settings.certificateScopeTag, tag);
  return {
    vaults: [...vaults.values()],
    certificates: [...certificates.values()],
    tag: tag !== null && TAG.test(tag) ? tag : null,
  };
}

function isVaultUrl(value: string): boolean {
  const url = URL.parse(value);
  return (
    url !== null && url.protocol === "https:" && (url.pathname === "/" || url.pathname === "") && !url.search
  );
}

function deepFreeze<T extends object>(value: T): Readonly<T> {
  for (const child of Object.values(value)) {
    if (child && typeof child === "object") deepFreeze(child as object);
  }
  return Object.freeze(value);
}
