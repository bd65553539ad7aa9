import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock/Clock.js";
import { createDeadline } from "../../src/clock/Deadline.js";
import { createAzureCredential } from "../../src/credentials/createAzureCredential.js";
import { keyVaultCertificateStore } from "../../src/credentials/keyVaultCertificateStore.js";
import { keyVaultCredentialProvider } from "../../src/credentials/keyVaultCredentialProvider.js";
import { TimedOutError, TransientError } from "../../src/errors.js";
import { msalTokenSource } from "../../src/tokens/msalTokenSource.js";
import { recordingLogger } from "../support/recordingLogger.js";
import { noVaultKeys } from "../support/noVaultSigning.js";
import { testScenario, useStandIns } from "../support/useStandIns.js";

const scenario = testScenario({ certificates: [{ name: "app" }] });
const standIns = useStandIns(scenario);
afterEach(() => {
  standIns().vault.faults.clear();
  standIns().vault.resetRequests();
});

/**
 * The app's certificate store as the container builds it — the real Key Vault SDK over HTTPS, the managed identity
 * credential — with a fresh client (a cold start) and the SDK's retry backoff shortened so a test need not wait it.
 */
function store() {
  const { entra, vault } = standIns();
  const credential = createAzureCredential(
    { authorityHost: entra.authorityHost, tenantId: entra.tenantId, managedIdentityClientId: null },
    "managed-identity",
  );
  return keyVaultCertificateStore(vault.url, credential, {
    retryOptions: { retryDelayInMs: 20, maxRetryDelayInMs: 50 },
  });
}
const deadline = (budgetMs: number) => createDeadline({ budgetMs, clock: systemClock });
const outcomes = () =>
  standIns()
    .vault.requests.filter((r) => r.authenticated)
    .map((r) => r.fault ?? r.status);
const where = () => `Key Vault certificate 'app' in ${standIns().vault.url}`;

describe("Key Vault that does not answer", () => {
  it("ends at the deadline with TIMED_OUT naming Key Vault", async () => {
    standIns().vault.faults.enqueue({ kind: "hang" });
    const started = Date.now();

    const error = await store()
      .getSecret("app", null, deadline(2_000))
      .catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(2_000 + 1_000);
    expect(error).toBeInstanceOf(TimedOutError);
    expect(error).toMatchObject({ code: "TIMED_OUT", edge: "Key Vault" });
    expect((error as Error).message).toMatch(
      /^Key Vault did not answer within 2 s: the invocation's deadline was reached\./,
    );
    expect(outcomes()).toEqual(["hang"]);
  });

  it("is named on a cold start of the token path, not the token endpoint", async () => {
    const { settings, entra } = standIns();
    const tokens = msalTokenSource({
      config: {
        clientId: settings.M2M_CLIENT_ID!,
        tenantId: entra.tenantId,
        authorityHost: entra.authorityHost,
        authority: entra.authority,
        scope: scenario.scope,
      },
      credentials: keyVaultCredentialProvider({
        store: store(),
        keys: noVaultKeys,
        signing: "auto",
        vaultUrl: standIns().vault.url,
        certificateName: "app",
        pinnedVersion: null,
        refreshMs: 600_000,
        msal: { thumbprintAlgorithm: "sha256", sendX5c: false },
        clock: systemClock,
        logger: recordingLogger().logger,
      }),
      logger: recordingLogger().logger,
      clock: systemClock,
    });
    standIns().vault.faults.enqueue({ kind: "hang" });
    const started = Date.now();

    const error = await tokens.getToken({ deadline: deadline(2_000) }).catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(2_000 + 1_000);
    expect(error).toMatchObject({ code: "TIMED_OUT", edge: "Key Vault" });
    expect(entra.tokenRequests).toEqual([]);
  });
});

describe("Key Vault that fails, through the SDK's retries", () => {
  it("waits a short Retry-After, then reads the secret", async () => {
    standIns().vault.faults.enqueue({ kind: "throttle", retryAfter: "1" });
    const started = Date.now();

    const secret = await store().getSecret("app", null, deadline(30_000));

    expect(secret.contentType).toBe("application/x-pem-file");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(outcomes()).toEqual(["throttle", 200]);
  });

  it("refuses at once a Retry-After longer than the time left, saying how long each was", async () => {
    standIns().vault.faults.enqueue({ kind: "throttle", retryAfter: "30" });
    const started = Date.now();

    const error = await store()
      .getSecret("app", null, deadline(5_000))
      .catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: "KEYVAULT_THROTTLED" });
    expect((error as Error).message).toMatch(
      /^Key Vault answered HTTP 429 to GET \/secrets\/app\/? and asked to wait 30 s \(Retry-After\), more than the [45](\.\d)? s left before the deadline\. Key Vault allows 4,000 transactions per 10 seconds per vault: look for other callers of this vault\. The next run tries again\.$/,
    );
    expect(outcomes()).toEqual(["throttle"]);
  });

  it("retries a 503 as the SDK does (3 times), then says Key Vault is unavailable", async () => {
    standIns().vault.faults.enqueue(
      ...Array.from({ length: 4 }, () => ({ kind: "status" as const, status: 503 })),
    );

    const error = await store()
      .getSecret("app", null, deadline(30_000))
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({
      code: "KEYVAULT_UNAVAILABLE",
      message: `Key Vault answered HTTP 503 when the app tried to read ${where()}, still after the SDK's retries. This usually passes on its own and the next run tries again; if it persists, check Azure Service Health for Key Vault. Key Vault said: Injected fault: HTTP 503 Service Unavailable.`,
    });
    expect(outcomes()).toEqual(["status", "status", "status", "status"]);
  });

  it("retries a 500 once and reads the secret when the next answer is good", async () => {
    standIns().vault.faults.enqueue({ kind: "status", status: 500 });
    await expect(store().getSecret("app", null, deadline(30_000))).resolves.toMatchObject({
      contentType: "application/x-pem-file",
    });
    expect(outcomes()).toEqual(["status", 200]);
  });

  it("says a vault whose connections reset is unreachable", async () => {
    standIns().vault.faults.enqueue(...Array.from({ length: 4 }, () => ({ kind: "reset" as const })));
    const error = await store()
      .getProperties("app", null, deadline(30_000))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "KEYVAULT_UNREACHABLE" });
    const prefix = `The app could not reach Key Vault to read ${where()}: `;
    expect((error as Error).message.slice(0, prefix.length)).toBe(prefix);
  });

  it.each([
    ["a page that is not JSON", { kind: "status" as const, status: 200, body: "<html>Sign in</html>" }],
    ["JSON that is not a secret bundle", { kind: "status" as const, status: 200, body: { hello: "world" } }],
    ["a large body", { kind: "large" as const, bytes: 1_000_000 }],
  ])("says %s is not Key Vault's answer", async (_what, fault) => {
    standIns().vault.faults.enqueue(fault);
    const error = await store()
      .getSecret("app", null, deadline(30_000))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "KEYVAULT_RESPONSE_INVALID" });
    const prefix = `The answer the app got when it tried to read ${where()} is not Key Vault's: `;
    expect((error as Error).message.slice(0, prefix.length)).toBe(prefix);
  });
});
