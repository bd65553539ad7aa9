import type { Clock } from "../clock/Clock.js";
import { createDeadline, type Deadline } from "../clock/Deadline.js";
import type { Config } from "../config/Config.js";
import type { Logger } from "../logging/Logger.js";
import { TABLE_STORAGE } from "../state/boundStorage.js";
import type { AppCredential, CredentialProvider } from "./AppCredential.js";
import type { KeyVaultSigning } from "../config/Config.js";
import type { CertificateStore } from "./CertificateStore.js";
import { certificateCredential } from "./certificateCredential.js";
import { KEY_VAULT } from "./keyVaultCall.js";
import { loadKeyVaultSigner, type LoadedSigner } from "./loadKeyVaultSigner.js";
import type { VaultKeys } from "./signing/VaultKeys.js";

/**
 * The most a check for a newer version may take of a caller's deadline (and at most half of what is left): the check
 * is optional — a failed one keeps the loaded certificate — so a slow vault must not take the time the caller's own
 * request needs.
 */
export const REFRESH_CHECK_MAX_MS = 10_000;
/**
 * The most the read of a rotation's hold (Table Storage) may take of a caller's deadline: when it cannot be read in
 * time, the latest version is followed, as when it fails.
 */
export const HOLD_READ_MAX_MS = 5_000;
/**
 * How long before a check for a newer version is due it may run in the background (at most half the interval): a call
 * in that window, or a timer at its start, begins the check and is answered with the loaded certificate at once, so a
 * warm run does not wait for Key Vault. Only a call at or after the due time with no check done in the window waits,
 * as a cold start does — that keeps the promise that a new version is in use within the refresh interval.
 */
export const REFRESH_AHEAD_MS = 60_000;

export interface KeyVaultCredentialOptions {
  store: CertificateStore;
  /** Signs with the certificate's key in Key Vault, when `signing` (or a non-exportable key under "auto") says so. */
  keys: VaultKeys;
  /** M2M_KEYVAULT_SIGNING: see loadKeyVaultSigner. */
  signing: KeyVaultSigning;
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
   * Asked at first use, on reload and when a newer version is seen; when it fails, or does not answer within
   * {@link HOLD_READ_MAX_MS} of the caller's deadline (which it is given), the latest is used.
   */
  holdVersion?: (deadline?: Deadline) => Promise<string | null>;
  /** Default {@link REFRESH_CHECK_MAX_MS}; a parameter so tests need not wait it. */
  refreshCheckMaxMs?: number;
  /** Default {@link HOLD_READ_MAX_MS}; a parameter so tests need not wait it. */
  holdReadMaxMs?: number;
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
 *
 * Deadlines: every Key Vault read runs within the caller's deadline; the optional reads get only a share of it (see
 * {@link REFRESH_CHECK_MAX_MS}, {@link HOLD_READ_MAX_MS}). Concurrent callers share one load; a caller whose deadline
 * is nearer than the load's stops waiting at its own, and a load that ran out of its starter's time is begun again
 * for a caller that still has time.
 */
export function keyVaultCredentialProvider(options: KeyVaultCredentialOptions): CredentialProvider {
  const { store, certificateName: name, pinnedVersion, refreshMs, clock, logger } = options;
  const retryAfterFailureMs = options.retryAfterFailureMs ?? 60_000;
  const refreshCheckMaxMs = options.refreshCheckMaxMs ?? REFRESH_CHECK_MAX_MS;
  const holdReadMaxMs = options.holdReadMaxMs ?? HOLD_READ_MAX_MS;
  let loaded: { credential: AppCredential; version: string } | null = null;
  let nextCheckAt = 0;
  let inFlight: { promise: Promise<AppCredential>; deadline: Deadline | undefined } | null = null;
  const following = !pinnedVersion && refreshMs > 0;
  const aheadMs = Math.min(REFRESH_AHEAD_MS, refreshMs / 2);
  /** The check running ahead of its due time, in the background; null when none runs. */
  let ahead: Promise<AppCredential> | null = null;
  let aheadTimer: NodeJS.Timeout | undefined;

  /** The next check is due at `at`; a timer begins it in the background when its window opens. */
  const checkDueAt = (at: number) => {
    nextCheckAt = at;
    clearTimeout(aheadTimer);
    if (!following) return;
    // Unref'd: it never keeps the process alive. Where the host freezes the process between invocations, the first call
    // in the window begins the check instead.
    aheadTimer = setTimeout(checkAhead, Math.max(0, at - aheadMs - clock().getTime()));
    aheadTimer.unref();
  };

  /** Begins the check in the background, bounded by its own deadline; its failures are logged by check(). */
  function checkAhead(): void {
    if (ahead || !loaded || inFlight) return;
    const current = loaded;
    const within = createDeadline({ budgetMs: refreshCheckMaxMs, clock });
    ahead = check(current, within).finally(() => {
      ahead = null;
    });
    // check() answers its own failures (logged, the loaded certificate kept) unless the certificate has expired, which
    // the next call finds and loads at once.
    ahead.catch(() => undefined);
  }

  /** A deadline for optional work: at most `maxMs` of `deadline` (undefined: none, as the caller). */
  const share = (deadline: Deadline | undefined, maxMs: number): Deadline | undefined =>
    deadline &&
    createDeadline({ budgetMs: Math.min(maxMs, deadline.leftMs()), clock, parent: deadline.signal });

  /** The version to load when following the latest: the held one, if a rotation holds one. */
  const wanted = async (deadline: Deadline | undefined): Promise<string | null> => {
    const hold = options.holdVersion;
    if (pinnedVersion || !hold) return pinnedVersion;
    try {
      const within = share(deadline, holdReadMaxMs);
      return await (within ? within.bound(TABLE_STORAGE, () => hold(within)) : hold());
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

  /** One load at a time, shared by the callers that come while it runs (see the deadlines above). */
  const once = async (
    work: (deadline: Deadline | undefined) => Promise<AppCredential>,
    deadline: Deadline | undefined,
  ): Promise<AppCredential> => {
    for (;;) {
      let shared = inFlight;
      if (!shared) {
        const started = {
          promise: work(deadline).finally(() => {
            if (inFlight === started) inFlight = null;
          }),
          deadline,
        };
        inFlight = shared = started;
      }
      const load = shared;
      try {
        if (!deadline || load.deadline === deadline) return await load.promise;
        return await deadline.bound(KEY_VAULT, () => load.promise);
      } catch (error) {
        // A load that ran out of another caller's time is no answer for this one, which still has time.
        const theirs = load.deadline !== deadline && load.deadline?.signal.aborted === true;
        if (theirs && !deadline?.signal.aborted) continue;
        throw error;
      }
    }
  };

  const source = { store, keys: options.keys, vaultUrl: options.vaultUrl, signing: options.signing, clock };
  const read = (version: string | null, deadline: Deadline | undefined) =>
    loadKeyVaultSigner(source, name, version, deadline);

  const install = ({ signer, version }: LoadedSigner, reason: string, started: number): AppCredential => {
    const credential = certificateCredential(
      "keyvault-certificate",
      signer,
      options.msal,
      { certificateName: name, version },
      clock,
    );
    const previous = loaded?.version;
    loaded = { credential, version };
    checkDueAt(clock().getTime() + refreshMs);
    logger.info(previous && previous !== version ? "Certificate version changed" : "Certificate loaded", {
      ...credential.summary,
      previousVersion: previous ?? null,
      reason,
      durationMs: clock().getTime() - started,
    });
    return credential;
  };

  const load = async (
    version: string | null,
    reason: string,
    deadline: Deadline | undefined,
  ): Promise<AppCredential> => {
    const started = clock().getTime();
    return install(await read(version, deadline), reason, started);
  };

  /**
   * Loads the version a rotation holds, or the latest. The latest secret is read side by side with the hold, so a
   * cold start waits for the slower of the two requests, not both; a held version that cannot be loaded (disabled,
   * deleted) gives way to the latest.
   */
  const loadWanted = async (reason: string, deadline: Deadline | undefined): Promise<AppCredential> => {
    if (pinnedVersion || !options.holdVersion) return load(pinnedVersion, reason, deadline);
    const started = clock().getTime();
    const [held, latest] = await Promise.all([
      wanted(deadline),
      read(null, deadline).then(
        (loaded) => ({ loaded, error: null }),
        (error: unknown) => ({ loaded: null, error }),
      ),
    ]);
    if (held === null || held === latest.loaded?.version) {
      if (!latest.loaded) throw latest.error;
      return install(latest.loaded, reason, started);
    }
    try {
      const heldVersion = await read(held, deadline);
      return install(heldVersion, `${reason}; version ${held} held by the key rotation`, started);
    } catch (error) {
      if (!latest.loaded) throw error;
      logger.warn("The version the key rotation holds cannot be loaded; loading the latest", {
        certificateName: name,
        version: held,
        error: error instanceof Error ? error.message : String(error),
      });
      return install(latest.loaded, reason, started);
    }
  };

  /** Asks Key Vault for the latest version within `within` and loads it when it is newer (and not held back). */
  async function check(
    current: { credential: AppCredential; version: string },
    within: Deadline | undefined,
  ): Promise<AppCredential> {
    try {
      const latest = await store.getProperties(name, null, within);
      // A disabled latest version is also what a renewal in progress looks like (the pending version is the
      // latest until it completes): keep the loaded certificate until a usable version appears.
      if (latest.version === current.version || !latest.enabled) {
        checkDueAt(clock().getTime() + refreshMs);
        return current.credential;
      }
      const held = await wanted(within);
      if (held === current.version) {
        checkDueAt(clock().getTime() + refreshMs);
        // Debug: during the overlap this holds at every refresh, and the rotation logs its own progress.
        logger.debug("A newer certificate version exists; the key rotation has not switched to it yet", {
          certificateName: name,
          version: current.version,
          newerVersion: latest.version,
        });
        return current.credential;
      }
      return await load(held ?? latest.version, `Key Vault has a newer version (${latest.version})`, within);
    } catch (error) {
      const expired = current.credential.certificate && current.credential.certificate.notAfter <= clock();
      if (expired) throw error;
      checkDueAt(clock().getTime() + retryAfterFailureMs);
      logger.warn("Could not check Key Vault for a new certificate version; keeping the loaded one", {
        certificateName: name,
        version: current.version,
        error: error instanceof Error ? error.message : String(error),
      });
      return current.credential;
    }
  }

  return {
    current(deadline) {
      if (!loaded) return once((d) => loadWanted("first use", d), deadline);
      const expired =
        loaded.credential.certificate !== null && loaded.credential.certificate.notAfter <= clock();
      if (expired && !pinnedVersion) {
        return once((d) => load(null, "the loaded certificate has expired", d), deadline);
      }
      const now = clock().getTime();
      if (!following || now < nextCheckAt - aheadMs) return Promise.resolve(loaded.credential);
      if (now < nextCheckAt) {
        // Ahead of time: the check runs in the background; this call does not wait for Key Vault.
        checkAhead();
        return Promise.resolve(loaded.credential);
      }
      // Due, and no check finished in its window (the process was frozen, or idle): this call waits for it, within a
      // share of its deadline, so a new version is in use within the refresh interval.
      const current = loaded;
      const within = share(deadline, Math.min(refreshCheckMaxMs, (deadline?.leftMs() ?? 0) / 2));
      const running = ahead;
      if (running) {
        return (within ? within.bound(KEY_VAULT, () => running) : running).catch(() => current.credential);
      }
      return once(() => check(current, within), deadline);
    },
    reload(reason, deadline) {
      return once((d) => loadWanted(reason, d), deadline);
    },
  };
}
