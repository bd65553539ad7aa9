import type { ErrorCode } from "./errorCodes.js";

/**
 * One error hierarchy for the app. Every error has a stable `code` (for alerts, tests and dashboards),
 * a message that says what was expected, what was found and what to do, and an optional `cause`.
 * Raw responses and other sensitive detail are attached non-enumerable so logging an error never dumps them.
 */
export class M2mError extends Error {
  override name = "M2mError";
  /** One of the typed set in errorCodes.ts: the compiler refuses a code that is not listed there. */
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; detail?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options?.detail !== undefined) {
      Object.defineProperty(this, "detail", { value: options.detail, enumerable: false, writable: false });
    }
  }

  /** Sensitive or bulky context (a raw response body, say). Non-enumerable: not logged, not serialised. */
  declare readonly detail?: unknown;
}

/** App settings are missing or invalid. Not retryable: fix the settings and restart. */
export class ConfigurationError extends M2mError {
  override name = "ConfigurationError";
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(
      "CONFIGURATION_INVALID",
      `Invalid app settings (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n- ${problems.join("\n- ")}`,
    );
    this.problems = Object.freeze([...problems]);
  }
}

/** The credential (certificate, secret, assertion) cannot be used as it is. Alert-worthy; retrying will not help. */
export class CredentialError extends M2mError {
  override name = "CredentialError";
}

/** Entra ID refused a token request. `aadsts` is the numeric AADSTS code when Entra sent one. */
export class TokenError extends M2mError {
  override name = "TokenError";
  readonly aadsts: number | undefined;
  readonly retryable: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    options: { aadsts?: number; retryable?: boolean; cause?: unknown; detail?: unknown } = {},
  ) {
    super(code, message, options);
    this.aadsts = options.aadsts;
    this.retryable = options.retryable ?? false;
  }
}

/** A dependency failed in a way that may pass (network, throttling, 5xx). Retry with backoff. */
export class TransientError extends M2mError {
  override name = "TransientError";
}

/**
 * A call to another system got no answer before the invocation's deadline. `edge` names the system ("Key Vault",
 * "the token endpoint"); the message says how long it was given. Retrying inside the same invocation is pointless:
 * the time is gone. The run is recorded and alerted like any failure.
 */
export class TimedOutError extends M2mError {
  override name = "TimedOutError";
  readonly edge: string;

  constructor(edge: string, waitedMs: number, options?: { cause?: unknown }) {
    super(
      "TIMED_OUT",
      `${edge} did not answer within ${formatSeconds(waitedMs)}: the invocation's deadline was reached. ` +
        `Check that ${edge} is reachable from the app; a slow answer now and then is retried on the next run.`,
      options,
    );
    this.edge = edge;
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${seconds >= 10 ? Math.round(seconds) : Math.round(seconds * 10) / 10} s`;
}
