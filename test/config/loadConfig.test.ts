import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/loadConfig.js";
import { ConfigurationError } from "../../src/errors.js";

const tenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
const clientId = "11111111-2222-3333-4444-555555555555";
const base = {
  M2M_TENANT_ID: tenantId,
  M2M_CLIENT_ID: clientId,
  M2M_SCOPE: "api://reports/.default",
  M2M_KEYVAULT_URL: "https://kv-m2m.vault.azure.net/",
  M2M_KEYVAULT_CERTIFICATE_NAME: "m2m-client",
  AzureWebJobsStorage: "UseDevelopmentStorage=true",
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).problems;
  }
  throw new Error("expected a ConfigurationError");
}

describe("loadConfig", () => {
  it("defaults to a Key Vault certificate on the public cloud, following the latest version", () => {
    const config = loadConfig(base);
    expect(config).toEqual({
      tenantId,
      clientId,
      authorityHost: "https://login.microsoftonline.com",
      authority: `https://login.microsoftonline.com/${tenantId}`,
      scope: "api://reports/.default",
      credential: {
        kind: "keyvault-certificate",
        vaultUrl: "https://kv-m2m.vault.azure.net",
        certificateName: "m2m-client",
        certificateVersion: null,
        refreshMinutes: 10,
        vaultAuth: "managed-identity",
        signing: "auto",
      },
      managedIdentityClientId: null,
      thumbprintAlgorithm: "sha256",
      sendX5c: false,
      jobs: [],
      runDeadlineMs: 540_000,
      maxBodyBytes: 1_048_576,
      storage: { kind: "connection-string", connectionString: "UseDevelopmentStorage=true" },
      retentionDays: 30,
      alerts: {
        teamsWebhookUrl: null,
        slackWebhookUrl: null,
        webhookUrl: null,
        webhookSecret: null,
        afterFailures: 3,
      },
      rotation: { graphUrl: "https://graph.microsoft.com", graceMs: 86_400_000, dryRun: false },
      expiry: { warningDays: 30, criticalDays: 7, reminderDays: [30, 14, 7, 3, 1] },
      watch: { vaults: [], certificates: [], tag: null, renewBeforeDays: 30, appCredentials: true },
    });
  });

  it("returns a deeply frozen object", () => {
    const config = loadConfig(base);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.credential)).toBe(true);
  });

  it("names every missing setting at once with the expected form", () => {
    expect(problemsOf({})).toEqual([
      "M2M_TENANT_ID is missing: set it to directory (tenant) id GUID or verified domain",
      "M2M_CLIENT_ID is missing: set it to application (client) id GUID",
      "M2M_SCOPE is missing: set it to <resource>/.default, e.g. api://my-api/.default",
      "M2M_KEYVAULT_URL is missing (needed by M2M_CREDENTIAL_SOURCE=keyvault-certificate): set it to https://<vault>.vault.azure.net",
      "M2M_KEYVAULT_CERTIFICATE_NAME is missing (needed by M2M_CREDENTIAL_SOURCE=keyvault-certificate): set it to Key Vault certificate name (1-127 letters, digits, dashes)",
      "M2M_STORAGE_CONNECTION or AzureWebJobsStorage is missing: set a storage connection string (UseDevelopmentStorage=true for Azurite), or AzureWebJobsStorage__accountName for an identity-based connection",
    ]);
  });

  it("shows the invalid value next to the expected form", () => {
    const problems = problemsOf({
      ...base,
      M2M_CLIENT_ID: "my-app",
      M2M_SCOPE: "api://reports/read",
      M2M_AUTHORITY_HOST: "http://login.example",
      M2M_KEYVAULT_CERTIFICATE_VERSION: "latest",
      M2M_THUMBPRINT_ALGORITHM: "md5",
    });
    expect(problems).toEqual([
      'M2M_CLIENT_ID: expected application (client) id GUID; got "my-app"',
      'M2M_SCOPE: expected <resource>/.default, e.g. api://my-api/.default; got "api://reports/read"',
      'M2M_AUTHORITY_HOST: expected https URL, or AzurePublicCloud | AzureUSGovernment | AzureChinaCloud (default AzurePublicCloud) (MSAL requires https and a host without a path); got "http://login.example"',
      'M2M_KEYVAULT_CERTIFICATE_VERSION: expected 32 hex characters; empty = always the latest version; got "latest"',
      'M2M_THUMBPRINT_ALGORITHM: expected sha256 (PS256 assertions, default) | sha1 (RS256, legacy); got "md5"',
    ]);
  });

  it("redacts secrets in errors", () => {
    const problems = problemsOf({
      ...base,
      M2M_CREDENTIAL_SOURCE: "client-secret",
      M2M_CLIENT_SECRET: "0b2c7a1e-aaaa-bbbb-cccc-123456789abc",
    });
    expect(problems).toEqual([
      "M2M_CLIENT_SECRET: got <redacted>, which has the form of a GUID — that is the secret's ID; set the secret's Value (shown once, when the secret is created)",
    ]);
    expect(problems.join()).not.toContain("0b2c7a1e");
  });

  it.each([
    ["AzureUSGovernment", "https://login.microsoftonline.us"],
    ["azurechinacloud", "https://login.chinacloudapi.cn"],
    ["https://127.0.0.1:8443/", "https://127.0.0.1:8443"],
  ])("accepts authority host %s as %s", (value, expected) => {
    expect(loadConfig({ ...base, M2M_AUTHORITY_HOST: value }).authorityHost).toBe(expected);
  });

  it("reads a certificate file source with its password", () => {
    const config = loadConfig({
      ...base,
      M2M_CREDENTIAL_SOURCE: "certificate-file",
      M2M_CERTIFICATE_PATH: "./certs/app.pfx",
      M2M_CERTIFICATE_PASSWORD: "pw",
      M2M_THUMBPRINT_ALGORITHM: "SHA1",
      M2M_SEND_X5C: "true",
    });
    expect(config.credential).toEqual({ kind: "certificate-file", path: "./certs/app.pfx", password: "pw" });
    expect(config.thumbprintAlgorithm).toBe("sha1");
    expect(config.sendX5c).toBe(true);
  });

  it("reads managed identity federation with the default audience and a user-assigned identity", () => {
    const config = loadConfig({
      ...base,
      M2M_CREDENTIAL_SOURCE: "managed-identity-federation",
      M2M_MANAGED_IDENTITY_CLIENT_ID: clientId,
    });
    expect(config.credential).toEqual({
      kind: "managed-identity-federation",
      audience: "api://AzureADTokenExchange",
    });
    expect(config.managedIdentityClientId).toBe(clientId);
  });

  it("pins a certificate version and a refresh interval", () => {
    const config = loadConfig({
      ...base,
      M2M_KEYVAULT_CERTIFICATE_VERSION: "ABCDEF0123456789ABCDEF0123456789",
      M2M_KEYVAULT_REFRESH_MINUTES: "0",
      M2M_KEYVAULT_AUTH: "default-azure-credential",
    });
    expect(config.credential).toMatchObject({
      certificateVersion: "abcdef0123456789abcdef0123456789",
      refreshMinutes: 0,
      vaultAuth: "default-azure-credential",
    });
  });

  it("rejects an unknown credential source", () => {
    expect(problemsOf({ ...base, M2M_CREDENTIAL_SOURCE: "password" })).toEqual([
      'M2M_CREDENTIAL_SOURCE: expected keyvault-certificate | certificate-file | client-secret | managed-identity-federation (default keyvault-certificate); got "password"',
    ]);
  });

  it("uses an identity-based storage connection", () => {
    const { AzureWebJobsStorage: _, ...withoutConnection } = base;
    const config = loadConfig({ ...withoutConnection, AzureWebJobsStorage__accountName: "stm2m" });
    expect(config.storage).toEqual({
      kind: "identity",
      tableServiceUri: "https://stm2m.table.core.windows.net",
      clientId: null,
    });
  });

  it("reads jobs from M2M_JOBS and names the job and field of a bad definition", () => {
    const job = { name: "sync", schedule: "0 0 * * * *", request: { url: "https://api.test/sync" } };
    expect(loadConfig({ ...base, M2M_JOBS: JSON.stringify([job]) }).jobs.map((j) => j.name)).toEqual([
      "sync",
    ]);
    expect(problemsOf({ ...base, M2M_JOBS: JSON.stringify([{ ...job, timeoutMs: -1 }]) })).toEqual([
      "job 'sync' (M2M_JOBS[0]).timeoutMs: expected a whole number from 100 to 540000; got -1",
    ]);
    expect(problemsOf({ ...base, M2M_JOBS: "[{" })[0]).toMatch(
      /^M2M_JOBS: expected JSON array of job definitions \(see README: Jobs\); the JSON does not parse/,
    );
  });

  it("reads jobs from a file and names the file in problems", () => {
    const files: Record<string, string> = {
      [`${process.cwd()}/jobs.json`]: JSON.stringify([{ name: "x", schedule: "bad" }]),
    };
    const read = (path: string) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error("missing"), { code: "ENOENT" });
      return text;
    };
    expect(() => loadConfig({ ...base, M2M_JOBS_FILE: "jobs.json" }, read)).toThrow(
      "M2M_JOBS_FILE jobs.json: job 'x' (jobs[0]).schedule",
    );
    expect(() => loadConfig({ ...base, M2M_JOBS_FILE: "nope.json" }, read)).toThrow(
      "M2M_JOBS_FILE nope.json: cannot read the file (ENOENT)",
    );
  });

  it("checks alert webhook URLs and numbers", () => {
    expect(
      problemsOf({
        ...base,
        M2M_ALERT_SLACK_WEBHOOK_URL: "http://hooks.slack.test/x",
        M2M_ALERT_AFTER_FAILURES: "0",
      }),
    ).toEqual([
      'M2M_ALERT_AFTER_FAILURES: expected whole number of consecutive failed runs before a job alerts (default 3) (1..1000); got "0"',
      "M2M_ALERT_SLACK_WEBHOOK_URL: expected https URL of a Slack incoming webhook (plain http only to this machine (localhost)); got <redacted>",
    ]);
  });

  it("reads how many days run history and delivered alerts are kept: whole days from 1 to 3650", () => {
    expect(loadConfig({ ...base, M2M_RETENTION_DAYS: "1" }).retentionDays).toBe(1);
    expect(loadConfig({ ...base, M2M_RETENTION_DAYS: "3650" }).retentionDays).toBe(3650);
    for (const value of ["0", "3651", "7.5", "-1", "a week"]) {
      expect(problemsOf({ ...base, M2M_RETENTION_DAYS: value })).toEqual([
        `M2M_RETENTION_DAYS: expected whole days from 1 to 3650 that run history and delivered alerts (sent, or given up) are kept (default 30) (1..3650); got ${JSON.stringify(value)}`,
      ]);
    }
  });

  it("checks the run deadline against the shipped host.json's functionTimeout (10 minutes)", () => {
    expect(loadConfig({ ...base, M2M_RUN_DEADLINE_SECONDS: "570" }).runDeadlineMs).toBe(570_000);
    expect(problemsOf({ ...base, M2M_RUN_DEADLINE_SECONDS: "600" })).toEqual([
      expect.stringMatching(
        /^M2M_RUN_DEADLINE_SECONDS: expected .* \(at most 570: host\.json's functionTimeout is "00:10:00", and a run needs 30 s after its deadline to be recorded and alerted; lower the setting or raise functionTimeout\); got "600"$/,
      ),
    ]);
  });

  it("checks the certificate check schedule", () => {
    expect(problemsOf({ ...base, M2M_CERT_CHECK_SCHEDULE: "daily" })).toEqual([
      'M2M_CERT_CHECK_SCHEDULE: expected six-field NCRONTAB for the certificate check (default 0 0 6 * * *, daily at 06:00 UTC) (NCRONTAB needs six fields ({second} {minute} {hour} {day} {month} {day-of-week}); got 1); got "daily"',
    ]);
  });

  it("reads the certificate watch scope: whole vaults, named certificates (bare names in the app's vault), a tag", () => {
    const config = loadConfig({
      ...base,
      M2M_CERT_SCOPE:
        "https://kv-shared.vault.azure.net/, https://kv-tls.vault.azure.net/certificates/web-tls, partner-api, https://KV-SHARED.vault.azure.net",
      M2M_CERT_SCOPE_TAG: "team=payments",
      M2M_CERT_RENEW_BEFORE_DAYS: "45",
      M2M_CERT_ALERT_APP_CREDENTIALS: "false",
    });
    expect(config.watch).toEqual({
      vaults: ["https://kv-shared.vault.azure.net"],
      certificates: [
        { vaultUrl: "https://kv-tls.vault.azure.net", name: "web-tls" },
        { vaultUrl: "https://kv-m2m.vault.azure.net", name: "partner-api" },
      ],
      tag: "team=payments",
      renewBeforeDays: 45,
      appCredentials: false,
    });
  });

  it("names a bad scope entry, tag or renewal threshold, and why", () => {
    const problems = problemsOf({
      ...base,
      M2M_CERT_SCOPE: "http://kv.vault.azure.net, https://kv.vault.azure.net/secrets/x, not a name",
      M2M_CERT_SCOPE_TAG: "=x",
      M2M_CERT_RENEW_BEFORE_DAYS: "0",
    });
    expect(problems).toHaveLength(5);
    expect(problems[0]).toMatch(/^M2M_CERT_SCOPE: expected .*; got "http:\/\/kv.vault.azure.net"$/);
    expect(problems[1]).toMatch(
      /the path must be empty or \/certificates\/<name>\); got "https:\/\/kv.vault.azure.net\/secrets\/x"$/,
    );
    expect(problems[2]).toMatch(/; got "not a name"$/);
    expect(problems[4]).toMatch(/^M2M_CERT_RENEW_BEFORE_DAYS: .*\(1..3650\); got "0"$/);
    expect(problems[3]).toMatch(/^M2M_CERT_SCOPE_TAG: .*; got "=x"$/);
    expect(
      problemsOf({
        ...base,
        M2M_CREDENTIAL_SOURCE: "client-secret",
        M2M_CLIENT_SECRET: "s3cret-value",
        M2M_CERT_SCOPE: "partner-api",
      }),
    ).toEqual([expect.stringContaining("a bare name needs M2M_KEYVAULT_URL")]);
  });
});
