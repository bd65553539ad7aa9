import { beforeAll, describe, expect, it } from "vitest";
import { issueCertificate, type IssuedCertificate } from "../../dev/pki/issueCertificate.js";
import type { CertificateStore } from "../../src/credentials/CertificateStore.js";
import { keyVaultCredentialProvider } from "../../src/credentials/keyVaultCredentialProvider.js";
import { manualClock } from "../support/manualClock.js";
import { noCertificateRead, noVaultKeys } from "../support/noVaultSigning.js";
import { recordingLogger } from "../support/recordingLogger.js";

let v1: IssuedCertificate;
let v2: IssuedCertificate;
beforeAll(async () => {
  [v1, v2] = await Promise.all([
    issueCertificate({ subject: "CN=app v1" }),
    issueCertificate({ subject: "CN=app v2" }),
  ]);
});

/** A vault with versions v1 and v2 (v2 the latest), counting secret reads. */
function vault() {
  const versions: Record<string, IssuedCertificate | undefined> = { v1, v2 };
  const reads: (string | null)[] = [];
  const store: CertificateStore = {
    getProperties: (name, version) =>
      Promise.resolve({ name, version: version ?? "v2", enabled: true, expiresOn: null }),
    getCertificate: noCertificateRead,
    getSecret: (_name, version) => {
      reads.push(version);
      const chosen = version ?? "v2";
      const issued = versions[chosen];
      if (!issued) return Promise.reject(new Error(`SecretNotFound: version ${chosen}`));
      return Promise.resolve({
        value: issued.keyPem + issued.certPem,
        contentType: "application/x-pem-file",
        version: chosen,
        keyId: null,
      });
    },
  };
  return { store, reads };
}

function provider(store: CertificateStore, holdVersion: () => Promise<string | null>) {
  const time = manualClock();
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
    holdVersion,
    clock: time.clock,
    logger: log.logger,
  });
  return { credentials, time, log };
}

describe("keyVaultCredentialProvider while a key rotation holds a version", () => {
  it("loads the held version at first use, on reload and on refresh, and follows the latest once released", async () => {
    const { store, reads } = vault();
    let held: string | null = "v1";
    const { credentials, time, log } = provider(store, () => Promise.resolve(held));

    expect((await credentials.current()).summary).toMatchObject({ version: "v1" });
    expect((await credentials.reload("AADSTS700027")).summary).toMatchObject({ version: "v1" });
    time.advance(60_000);
    expect((await credentials.current()).summary).toMatchObject({ version: "v1" });
    expect(log.text()).toContain("the key rotation has not switched to it yet");
    // The latest secret is read beside the hold (a cold start waits for the slower), then the held one.
    expect(reads).toEqual([null, "v1", null, "v1"]);

    held = null; // the rotation switched
    time.advance(60_000);
    expect((await credentials.current()).summary).toMatchObject({ version: "v2" });
    expect((await credentials.reload("event")).summary).toMatchObject({ version: "v2" });
  });

  it("follows the latest, and says why, when the rotation state cannot be read", async () => {
    const { store } = vault();
    const { credentials, log } = provider(store, () =>
      Promise.reject(new Error("Table Storage unreachable")),
    );
    expect((await credentials.current()).summary).toMatchObject({ version: "v2" });
    expect(log.entries).toContainEqual(
      expect.objectContaining({
        level: "warn",
        properties: expect.objectContaining({ error: "Table Storage unreachable" }) as unknown,
      }),
    );
  });

  it("loads the latest when the held version cannot be loaded (disabled or deleted since)", async () => {
    const { store, reads } = vault();
    const { credentials, log } = provider(store, () => Promise.resolve("v9"));
    expect((await credentials.current()).summary).toMatchObject({ version: "v2" });
    expect(reads).toEqual([null, "v9"]);
    expect(log.text()).toContain("The version the key rotation holds cannot be loaded; loading the latest");
  });
});
