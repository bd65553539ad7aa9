import { beforeAll, describe, expect, it } from "vitest";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import { systemClock } from "../../src/clock/Clock.js";
import { createDeadline, type Deadline } from "../../src/clock/Deadline.js";
import type { CertificateStore } from "../../src/credentials/CertificateStore.js";
import {
  keyVaultCredentialProvider,
  type KeyVaultCredentialOptions,
} from "../../src/credentials/keyVaultCredentialProvider.js";
import { TimedOutError } from "../../src/errors.js";
import { manualClock } from "../support/manualClock.js";
import { noCertificateRead, noVaultKeys } from "../support/noVaultSigning.js";
import { recordingLogger } from "../support/recordingLogger.js";

let issued: IssuedCertificate;
beforeAll(async () => {
  issued = await issueCertificate({ subject: "CN=app" });
});

const deadline = (budgetMs: number) => createDeadline({ budgetMs, clock: systemClock });
const never = () => new Promise<never>(() => undefined);

/**
 * A store that answers the secret reads as the test scripts them, in order: "hang" never answers (as a hung vault;
 * a call with a deadline ends at it, as the real store's does), "ok" answers with the certificate.
 */
function scriptedStore(script: ("hang" | "ok")[]) {
  const calls: { version: string | null; withDeadline: boolean }[] = [];
  const answer = <T>(step: "hang" | "ok" | undefined, value: T, limit: Deadline | undefined): Promise<T> => {
    const work = step === "hang" ? never : () => Promise.resolve(value);
    return limit ? limit.bound("Key Vault", work) : work();
  };
  const store: CertificateStore = {
    getProperties: (name, _version, limit) =>
      answer(script.shift(), { name, version: "v2", enabled: true, expiresOn: null }, limit),
    getCertificate: noCertificateRead,
    getSecret: (_name, version, limit) => {
      calls.push({ version, withDeadline: limit !== undefined });
      return answer(
        script.shift(),
        {
          value: issued.keyPem + issued.certPem,
          contentType: "application/x-pem-file",
          version: "v1",
          keyId: null,
        },
        limit,
      );
    },
  };
  return { store, calls };
}

function provider(store: CertificateStore, extra: Partial<KeyVaultCredentialOptions> = {}) {
  const log = recordingLogger();
  const credentials = keyVaultCredentialProvider({
    store,
    keys: noVaultKeys,
    signing: "auto",
    vaultUrl: "https://vault.example",
    certificateName: "app",
    pinnedVersion: null,
    refreshMs: 60_000,
    msal: { thumbprintAlgorithm: "sha256", sendX5c: false },
    clock: systemClock,
    logger: log.logger,
    ...extra,
  });
  return { credentials, log };
}

describe("keyVaultCredentialProvider within a caller's deadline", () => {
  it("passes the deadline to Key Vault: a hung vault ends in TIMED_OUT naming Key Vault", async () => {
    const { store, calls } = scriptedStore(["hang"]);
    const { credentials } = provider(store);
    const error = await credentials.current(deadline(200)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimedOutError);
    expect(error).toMatchObject({ edge: "Key Vault" });
    expect(calls).toEqual([{ version: null, withDeadline: true }]);
  });

  it("lets a caller with a nearer deadline stop waiting on a load another caller began", async () => {
    const { store } = scriptedStore(["hang"]);
    const { credentials } = provider(store);
    const long = credentials.current(deadline(1_500)).catch((e: unknown) => e);
    const started = performance.now();

    const error = await credentials.current(deadline(200)).catch((e: unknown) => e);

    expect(performance.now() - started).toBeLessThan(1_000);
    expect(error).toMatchObject({ code: "TIMED_OUT", edge: "Key Vault" });
    await long;
  });

  it("begins the load again for a caller with time left when the load ran out of its starter's time", async () => {
    const { store, calls } = scriptedStore(["hang", "ok"]);
    const { credentials } = provider(store);
    const short = credentials.current(deadline(200)).catch((e: unknown) => e);
    const long = credentials.current(deadline(5_000));

    expect(await short).toMatchObject({ code: "TIMED_OUT" });
    expect((await long).summary).toMatchObject({ version: "v1" });
    expect(calls).toHaveLength(2);
  });

  it("gives the check for a newer version only a share of the deadline, and keeps the loaded certificate", async () => {
    const time = manualClock();
    const { store } = scriptedStore(["ok", "hang"]);
    const { credentials, log } = provider(store, { clock: time.clock, refreshCheckMaxMs: 300 });
    await credentials.current();
    time.advance(60_000);
    const limit = createDeadline({ budgetMs: 5_000, clock: time.clock });

    const credential = await credentials.current(limit);

    expect(credential.summary).toMatchObject({ version: "v1" });
    expect(limit.signal.aborted).toBe(false);
    expect(log.entries.find((e) => e.level === "warn")).toMatchObject({
      message: "Could not check Key Vault for a new certificate version; keeping the loaded one",
      properties: { error: expect.stringMatching(/^Key Vault did not answer within 0\.3 s/) as unknown },
    });
  });

  it("follows the latest version when the rotation's hold cannot be read within its share", async () => {
    const { store } = scriptedStore(["ok"]);
    const held: (Deadline | undefined)[] = [];
    const { credentials, log } = provider(store, {
      holdReadMaxMs: 200,
      holdVersion: (limit) => {
        held.push(limit);
        return never();
      },
    });
    const limit = deadline(5_000);

    const credential = await credentials.current(limit);

    expect(credential.summary).toMatchObject({ version: "v1" });
    expect(limit.signal.aborted).toBe(false);
    // The hold read was handed its own, shorter deadline.
    expect(held).toHaveLength(1);
    expect(held[0]!.atMs).toBeLessThan(limit.atMs);
    expect(log.entries.find((e) => e.level === "warn")).toMatchObject({
      properties: { error: expect.stringMatching(/^Table Storage did not answer within 0\.2 s/) as unknown },
    });
  });

  it("checks ahead of the due time in the background: a call in the window never waits on a hung vault", async () => {
    const time = manualClock();
    const { store } = scriptedStore(["ok", "hang"]);
    const { credentials, log } = provider(store, { clock: time.clock, refreshCheckMaxMs: 300 });
    await credentials.current();
    // 40 s into a 60 s interval: within the 30 s before the check is due.
    time.advance(40_000);
    const limit = deadline(5_000);

    const credential = await credentials.current(limit);

    // Answered at once with the loaded certificate, while the check waits on the vault in the background.
    expect(credential.summary).toMatchObject({ version: "v1" });
    expect(log.entries.filter((e) => e.level === "warn")).toEqual([]);
    // The background check ends at its own deadline, logged; the loaded certificate stays.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(log.entries.find((e) => e.level === "warn")).toMatchObject({
      message: "Could not check Key Vault for a new certificate version; keeping the loaded one",
    });
  });

  it("makes a call at the due time wait for the check running ahead, then use what it loaded", async () => {
    const time = manualClock();
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const scripted = scriptedStore(["ok", "ok", "ok"]);
    let checks = 0;
    const store: CertificateStore = {
      ...scripted.store,
      // The version check is slow: it answers when the test says.
      getProperties: async (...args) => {
        checks += 1;
        await slow;
        return scripted.store.getProperties(...args);
      },
    };
    const { credentials, log } = provider(store, { clock: time.clock });
    await credentials.current();
    time.advance(40_000);
    expect((await credentials.current()).summary).toMatchObject({ version: "v1" });
    time.advance(20_000);

    const due = credentials.current(deadline(5_000));
    release();
    await due;

    // One check (the one ahead, which the due call waited for, not a second), which found a newer version and read it.
    expect(checks).toBe(1);
    expect(scripted.calls).toHaveLength(2);
    expect(
      log.entries.filter((e) => e.message.startsWith("Certificate")).map((e) => e.properties?.reason),
    ).toEqual(["first use", "Key Vault has a newer version (v2)"]);
  });
});
