import { afterEach, describe, expect, it } from "vitest";
import { systemClock } from "../../src/clock/Clock.js";
import { createDeadline } from "../../src/clock/Deadline.js";
import { createAzureCredential } from "../../src/credentials/createAzureCredential.js";
import { federatedCredentialProvider } from "../../src/credentials/federatedCredentialProvider.js";
import { keyVaultCertificateStore } from "../../src/credentials/keyVaultCertificateStore.js";
import { TimedOutError, TransientError } from "../../src/errors.js";
import { testScenario, useStandIns } from "../support/useStandIns.js";

const standIns = useStandIns(testScenario({ certificates: [{ name: "app" }] }));
afterEach(() => {
  standIns().entra.identityFaults.clear();
  standIns().entra.resetCounters();
});

/**
 * The app's Azure credential as the container builds it, for a user-assigned identity of its own: MSAL keeps managed
 * identity tokens in a cache shared by the whole process, so a new identity is what makes the next token a request.
 * The identity may read the vault's certificates; the credential's retry backoff is shortened.
 */
function identity() {
  const { entra, vault } = standIns();
  const assigned = entra.addUserAssignedIdentity();
  vault.setRoles(assigned.principalId, ["Key Vault Secrets User", "Key Vault Certificate User"]);
  const credential = createAzureCredential(
    {
      authorityHost: entra.authorityHost,
      tenantId: entra.tenantId,
      managedIdentityClientId: assigned.clientId,
    },
    "managed-identity",
    { retryOptions: { retryDelayInMs: 20, maxRetryDelayInMs: 50 } },
  );
  return { credential, store: keyVaultCertificateStore(vault.url, credential) };
}
const deadline = (budgetMs: number) => createDeadline({ budgetMs, clock: systemClock });
const outcomes = () => standIns().entra.managedIdentityRequests.map((r) => r.fault ?? r.outcome);

describe("a managed identity endpoint that does not answer", () => {
  it("ends a Key Vault read at the deadline with TIMED_OUT naming the managed identity endpoint", async () => {
    const { store } = identity();
    standIns().entra.identityFaults.enqueue({ kind: "hang" });
    const started = Date.now();

    const error = await store.getSecret("app", null, deadline(2_000)).catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(2_000 + 1_000);
    expect(error).toBeInstanceOf(TimedOutError);
    expect(error).toMatchObject({ code: "TIMED_OUT", edge: "the managed identity endpoint" });
    expect((error as Error).message).toMatch(
      /^the managed identity endpoint did not answer within \d+(\.\d)? s: the invocation's deadline was reached\./,
    );
    expect(outcomes()).toEqual(["hang"]);
  });

  it("ends the federated assertion at the deadline, named as the managed identity endpoint", async () => {
    const { credential } = identity();
    const provider = federatedCredentialProvider(credential, "api://AzureADTokenExchange");
    standIns().entra.identityFaults.enqueue({ kind: "hang" });
    const started = Date.now();

    const error = await provider.current(deadline(2_000)).catch((e: unknown) => e);

    expect(Date.now() - started).toBeLessThan(2_000 + 1_000);
    expect(error).toMatchObject({ code: "TIMED_OUT", edge: "the managed identity endpoint" });
  });
});

describe("a managed identity endpoint that fails, through @azure/identity's retries", () => {
  it("waits a short Retry-After, then gets the token and reads the vault", async () => {
    const { store } = identity();
    standIns().entra.identityFaults.enqueue({ kind: "throttle", retryAfter: "1" });
    const started = Date.now();

    await expect(store.getSecret("app", null, deadline(30_000))).resolves.toMatchObject({
      contentType: "application/x-pem-file",
    });

    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(outcomes()).toEqual(["throttle", "issued"]);
  });

  it("retries a 500 (3 times), then says the endpoint is unavailable, not that the identity is missing", async () => {
    const { store } = identity();
    standIns().entra.identityFaults.enqueue(
      ...Array.from({ length: 4 }, () => ({ kind: "status" as const, status: 500 })),
    );

    const error = await store.getSecret("app", null, deadline(30_000)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ code: "MANAGED_IDENTITY_ENDPOINT_UNAVAILABLE" });
    expect((error as Error).message).toMatch(
      /^The managed identity endpoint answered HTTP 500 to the token request for https:\/\/vault\.azure\.net\/\.default, still after @azure\/identity's retries\. This usually passes on its own and the next run tries again; if it persists, check Azure Service Health for App Service\. \(ManagedIdentityCredential: Authentication failed\. .*Injected fault: HTTP 500 Internal Server Error\./,
    );
    expect(outcomes()).toEqual(["status", "status", "status", "status"]);
  });

  it("says an answer that is not JSON is the endpoint's, after the same retries", async () => {
    const { store } = identity();
    standIns().entra.identityFaults.enqueue({ kind: "status", status: 200, body: "<html>Sign in</html>" });
    const error = await store.getSecret("app", null, deadline(30_000)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "MANAGED_IDENTITY_ENDPOINT_UNAVAILABLE" });
    expect((error as Error).message).toContain("the connection failed, or the answer was not JSON");
  });

  it("says connections that reset are the endpoint's, after the same retries", async () => {
    const { store } = identity();
    standIns().entra.identityFaults.enqueue(...Array.from({ length: 4 }, () => ({ kind: "reset" as const })));
    const error = await store.getSecret("app", null, deadline(30_000)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "MANAGED_IDENTITY_ENDPOINT_UNAVAILABLE" });
    expect(outcomes()).toEqual(["reset", "reset", "reset", "reset"]);
  });

  it("says a large answer without a token is not the identity endpoint's", async () => {
    const { store } = identity();
    standIns().entra.identityFaults.enqueue({ kind: "large", bytes: 1_000_000 });
    const error = await store.getSecret("app", null, deadline(30_000)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "MANAGED_IDENTITY_RESPONSE_INVALID" });
    expect((error as Error).message).toMatch(
      /^The managed identity endpoint answered the token request for https:\/\/vault\.azure\.net\/\.default without a usable token \(Response had no "expiresOn" property\.\)\./,
    );
  });

  it("keeps saying how to enable the identity when the endpoint refuses it (400)", async () => {
    const { store } = identity();
    standIns().entra.identityFaults.enqueue({ kind: "status", status: 400 });
    const error = await store.getSecret("app", null, deadline(30_000)).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "KEYVAULT_AUTHENTICATION_FAILED" });
    expect((error as Error).message).toContain("enable the Function app's managed identity");
    expect(outcomes()).toEqual(["status"]);
  });
});
