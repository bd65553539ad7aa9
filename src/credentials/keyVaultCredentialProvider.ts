import type { Clock } from "../clock/Clock.js";
import type { Config } from "../config/Config.js";
import type { Logger } from "../logging/Logger.js";
import type { AppCredential, CredentialProvider } from "./AppCredential.js";
import { checkCertificateCredential } from "./certificate/checkCertificateCredential.js";
import { parseKeyVaultSecret } from "./certificate/parseKeyVaultSecret.js";
import type { CertificateStore } from "./CertificateStore.js";
import { certificateCredential } from "./certificateCredential.js";

export interface KeyVaultCredentialOptions {
  store: CertificateStore;
  vaultUrl: string;
  certificateName: string;
  /** Pinned version, or null to follow the latest. */
  pinnedVersion: string | null;
  /** How often to ask Key Vault whether a newer version exists; 0 = only on reload(). */
  refreshMs: number;
  /** After a failed check, wait this long before asking again (the loaded certificate stays in use). */
  retryAfterFailureMs?: number;
  msal: Pick<Config, "thumbprintAlgorithm" | "sendX5c">;
  /**
   * A version to keep using although Key Vault has a newer one, or null to follow the latest: a key rotation that
   * has not switched yet (its new version is not registered on the app registration, so Entra ID would refuse it).
   * Asked at first use, on reload and when a newer version is seen; when it fails, the latest is used.
   */
  holdVersion?: () => Promise<string | null>;
  clock: Clock;
  logger: Logger;
}

/**
 * The app's certificate from Key Vault, loaded once per process and reused.
 *
 * How a new version is noticed: a cold start reads the latest secret (one request). Afterwards, when
 * `refreshMs` has passed since the last check, the next `current()` asks for the latest version's
 * properties (one request, no key material) and loads the secret only when the version changed. Entra ID
 * rejecting the certificate triggers `reload()` at once, and so can an event (CertificateNewVersionCreated).
 * A failed check keeps the loaded certificate while it is valid and tries again later.
 */
export function keyVaultCredentialProvider(options: KeyVaultCredentialOptions): CredentialProvider {
  const { store, certificateName: name, pinnedVersion, refreshMs, clock, logger } = options;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? 60_000;
  let loaded: { credential: AppCredential; version: string } | null = null;
  let nextCheckAt = 0;
  let inFlight: Promise<AppCredential> | null = null;

  /** The version to load when following the latest: the held one, if a rotation holds one. */
  const wanted = async (): Promise<string | null> => {
    if (pinnedVersion || !options.holdVersion) return pinnedVersion;
    try {
      return await options.holdVersion();
    } catch (error) {
      logger.warn(
        "Could not read whether a key rotation holds the certificate version; following the latest",
        {
          certificateName: name,
          error: error instanceof Error ? error.message : String(error),
        },
      );
      return null;
    }
  };

  const once = (work: () => Promise<AppCredential>): Promise<AppCredential> => {
    inFlight ??= work().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };

  type Secret = Awaited<ReturnType<CertificateStore["getSecret"]>>;

  const install = (secret: Secret, reason: string, started: number): AppCredential => {
    const source = `Key Vault certificate '${name}' version ${secret.version} in ${options.vaultUrl}`;
    const certificate = parseKeyVaultSecret({ value: secret.value, contentType: secret.contentType }, source);
    checkCertificateCredential(certificate, clock());
    const credential = certificateCredential(
      "keyvault-certificate",
      certificate,
      options.msal,
      {
        certificateName: name,
        version: secret.version,
      },
      clock(),
    );
    const previous = loaded?.version;
    loaded = { credential, version: secret.version };
    nextCheckAt = clock().getTime() + refreshMs;
    logger.info(
      previous && previous !== secret.version ? "Certificate version changed" : "Certificate loaded",
      {
        ...credential.summary,
        previousVersion: previous ?? null,
        reason,
        durationMs: clock().getTime() - started,
      },
    );
    return credential;
  };

  const load = async (version: string | null, reason: string): Promise<AppCredential> => {
    const started = clock().getTime();
    return install(await store.getSecret(name, version), reason, started);
  };

  /**
   * Loads the version a rotation holds, or the latest. The latest secret is read side by side with the hold, so a
   * cold start waits for the slower of the two requests, not both; a held version that cannot be loaded (disabled,
   * deleted) gives way to the latest.
   */
  const loadWanted = async (reason: string): Promise<AppCredential> => {
    if (pinnedVersion || !options.holdVersion) return load(pinnedVersion, reason);
    const started = clock().getTime();
    const [held, latest] = await Promise.all([
      wanted(),
      store.getSecret(name, null).then(
        (secret) => ({ secret, error: null }),
        (error: unknown) => ({ secret: null, error }),
      ),
    ]);
    if (held === null || held === latest.secret?.version) {
      if (!latest.secret) throw latest.error;
      return install(latest.secret, reason, started);
    }
    try {
      const secret = await store.getSecret(name, held);
      return install(secret, `${reason}; version ${held} held by the key rotation`, started);
    } catch (error) {
      if (!latest.secret) throw error;
      logger.warn("The version the key rotation holds cannot be loaded; loading the latest", {
        certificateName: name,
        version: held,
        error: error instanceof Error ? error.message : String(error),
      });
      return install(latest.secret, reason, started);
    }
  };

  const check = async (current: { credential: AppCredential; version: string }): Promise<AppCredential> => {
    try {
      const latest = await store.getProperties(name, null);
      // A disabled latest version is also what a renewal in progress looks like (the pending version is the
      // latest until it completes): keep the loaded certificate until a usable version appears.
      if (latest.version === current.version || !latest.enabled) {
        nextCheckAt = clock().getTime() + refreshMs;
        return current.credential;
      }
      const held = await wanted();
      if (held === current.version) {
        nextCheckAt = clock().getTime() + refreshMs;
        logger.info("A newer certificate version exists; the key rotation has not switched to it yet", {
          certificateName: name,
          version: current.version,
          newerVersion: latest.version,
        });
        return current.credential;
      }
      return await load(held ?? latest.version, `Key Vault has a newer version (${latest.version})`);
    } catch (error) {
      const expired = current.credential.certificate && current.credential.certificate.notAfter <= clock();
      if (expired) throw error;
      nextCheckAt = clock().getTime() + retryAfterFailureMs;
      logger.warn("Could not check Key Vault for a new certificate version; keeping the loaded one", {
        certificateName: name,
        version: current.version,
        error: error instanceof Error ? error.message : String(error),
      });
      return current.credential;
    }
  };

  return {
    current() {
      if (!loaded) return once(() => loadWanted("first use"));
      const expired =
        loaded.credential.certificate !== null && loaded.credential.certificate.notAfter <= clock();
      if (expired && !pinnedVersion) return once(() => load(null, "the loaded certificate has expired"));
      if (pinnedVersion || refreshMs <= 0 || clock().getTime() < nextCheckAt) {
        return Promise.resolve(loaded.credential);
      }
      const current = loaded;
      return once(() => check(current));
    },
    reload(reason) {
      return once(() => loadWanted(reason));
    },
  };
}
