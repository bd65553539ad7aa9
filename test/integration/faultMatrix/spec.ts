import type { EdgeFault } from "../../../dev/faults/EdgeFault.js";

/**
 * Issue 10's fault matrix as data: for each edge the app crosses and each way it can fail, what the app must do. The
 * tests in this folder are generated from {@link MATRIX} (one per cell), and README.md's "Fault matrix" table is
 * {@link readmeTable}'s rendering of it (readme.test.ts keeps the two the same).
 */

/** A job run's deadline in every cell (a job's deadlineMs; the certificate check's deadline). */
export const DEADLINE_MS = 2_000;
/** Time kept after a run's deadline to record and alert (30 s in production, RECORD_MARGIN_MS). */
export const RECORD_MARGIN_MS = 1_500;
/** The bar: no cell takes longer than its deadline plus this. */
export const CELL_MARGIN_MS = 5_000;
/** A huge body: above every cap the app keeps (1 MiB for tokens, Graph and API bodies), streamed without a length. */
export const HUGE_BYTES = 4 * 1024 * 1024;
/** "Every request" is this many faults: more than any retry budget asks for within a deadline. */
export const EVERY_REQUEST = 30;

export const EDGES = [
  "token endpoint",
  "managed identity endpoint",
  "Key Vault",
  "Graph",
  "downstream API",
  "alert webhook",
  "Table Storage",
] as const;
export type Edge = (typeof EDGES)[number];

export const FAULTS = [
  "hang",
  "connection reset",
  "429 with Retry-After",
  "5xx",
  "malformed body",
  "huge body",
] as const;
export type FaultName = (typeof FAULTS)[number];

/**
 * How each fault is injected, the same on every edge, in the stand-ins' common vocabulary (dev/faults/EdgeFault.ts):
 * every request the edge gets during the cell fails that way, except the 429, which comes once (a service asking to be
 * called again in a second, then answering). Where the service throttles otherwise, the stand-in answers as it does
 * (Table Storage: 503 ServerBusy with Retry-After). The downstream API's huge body is its `GET /large` (streamed, JSON).
 */
export const INJECTIONS: Readonly<Record<FaultName, { fault: EdgeFault; once: boolean }>> = {
  hang: { fault: { kind: "hang" }, once: false },
  "connection reset": { fault: { kind: "reset" }, once: false },
  "429 with Retry-After": { fault: { kind: "throttle", retryAfter: "1" }, once: true },
  "5xx": { fault: { kind: "status", status: 503 }, once: false },
  "malformed body": {
    fault: { kind: "status", status: 200, body: "<html><body>Sign in to continue</body></html>" },
    once: false,
  },
  "huge body": { fault: { kind: "large", bytes: HUGE_BYTES }, once: false },
};

/**
 * What a cell's operation must end with. The operation is a job run on a cold app instance (the alert threshold 1, so
 * a failed run is alerted), except for Graph: the certificate check of a certificate due for renewal, whose rotation
 * reads the app registration through Graph before it creates a Key Vault version.
 */
export interface Outcome {
  /** The run's status; for the check, how its renewal went ("timed-out": the check ran out of time). */
  status: "succeeded" | "failed" | "timed-out";
  /** The run's errorCode; for the check, the code of its error line. Null for a success. */
  code: string | null;
  /** The edge the outcome names (the run's log line, the check's error line); null when none is named. */
  names: string | null;
  /**
   * The code behind `code`: the token path's, when a run could not get a token (TOKEN); the failed alert delivery's
   * (alert webhook). Null otherwise.
   */
  cause: string | null;
  /**
   * Whether the edge was asked again after the fault: "then succeeds" (the 429's Retry-After waited, the operation
   * succeeded), "then fails" (a final failure after retries), "until the deadline" (retries, their waits cut off by
   * the deadline), or "no" (one answer was final, or the deadline ended the first request).
   */
  retried: "then succeeds" | "then fails" | "until the deadline" | "no";
  /**
   * "run": one row in the run history (two for the alert webhook's two runs); "logged": none, and the run's one
   * structured error line says so (Table Storage failed), or for the check its one error line.
   */
  recorded: "run" | "logged";
  /**
   * "alert": the failure alerted once; "next run": the alert's delivery failed and went out once on the next run;
   * "direct": the ledger could not be used, the channels were told directly, once in the streak (a second run while
   * Table Storage still fails tells them nothing more); "none": no failure alert.
   */
  alerted: "alert" | "next run" | "direct" | "none";
  /** A fact the README adds, which the cell checks on its own. */
  note?: string;
}

/** One cell: an edge, a fault, and the outcome the app must reach. */
export interface Cell {
  edge: Edge;
  fault: FaultName;
  outcome: Outcome;
}

const ok = { code: null, names: null, cause: null, recorded: "run", alerted: "none" } as const;
const afterRetryAfter: Outcome = { status: "succeeded", retried: "then succeeds", ...ok };
const tokenFailure = (cause: string, retried: Outcome["retried"] = "no"): Outcome => ({
  status: "failed",
  code: "TOKEN",
  names: null,
  cause,
  retried,
  recorded: "run",
  alerted: "alert",
});
const runTimedOut = (names: string, retried: Outcome["retried"] = "no"): Outcome => ({
  status: "timed-out",
  code: "DEADLINE",
  names,
  cause: null,
  retried,
  recorded: "run",
  alerted: "alert",
});
const runFailed = (code: string, retried: Outcome["retried"]): Outcome => ({
  status: "failed",
  code,
  names: null,
  cause: null,
  retried,
  recorded: "run",
  alerted: "alert",
});
const renewalFailed = (code: string, retried: Outcome["retried"] = "no"): Outcome => ({
  status: "failed",
  code,
  names: null,
  cause: null,
  retried,
  recorded: "logged",
  alerted: "alert",
});
/** The API fails (404) so that an alert is due; the fault is in its delivery. */
const delivery = (cause: string | null): Outcome => ({
  status: "failed",
  code: "HTTP_STATUS",
  names: null,
  cause,
  retried: "no",
  recorded: "run",
  alerted: cause ? "next run" : "alert",
});
const storageDown = (
  status: "failed" | "timed-out",
  code: string,
  retried: Outcome["retried"] = "no",
): Outcome => ({
  status,
  code,
  names: "Table Storage",
  cause: null,
  retried,
  recorded: "logged",
  alerted: "direct",
});

/** The specification: every edge × every fault. */
export const MATRIX: Readonly<Record<Edge, Readonly<Record<FaultName, Outcome>>>> = {
  "token endpoint": {
    hang: runTimedOut("the token endpoint"),
    "connection reset": tokenFailure("TOKEN_ENDPOINT_UNREACHABLE", "then fails"),
    "429 with Retry-After": afterRetryAfter,
    "5xx": tokenFailure("TOKEN_ENDPOINT_UNAVAILABLE", "then fails"),
    "malformed body": tokenFailure("TOKEN_RESPONSE_INVALID"),
    "huge body": tokenFailure("TOKEN_RESPONSE_INVALID"),
  },
  // @azure/identity retries resets and 5xx with its own backoff: a short deadline ends them.
  "managed identity endpoint": {
    hang: runTimedOut("the managed identity endpoint"),
    "connection reset": runTimedOut("the managed identity endpoint", "until the deadline"),
    "429 with Retry-After": afterRetryAfter,
    "5xx": runTimedOut("the managed identity endpoint", "until the deadline"),
    "malformed body": tokenFailure("MANAGED_IDENTITY_ENDPOINT_UNAVAILABLE"),
    "huge body": tokenFailure("MANAGED_IDENTITY_RESPONSE_INVALID"),
  },
  // The Key Vault SDK retries resets and 5xx with its own backoff: a short deadline ends them.
  "Key Vault": {
    hang: runTimedOut("Key Vault"),
    "connection reset": runTimedOut("Key Vault", "until the deadline"),
    "429 with Retry-After": afterRetryAfter,
    "5xx": runTimedOut("Key Vault", "until the deadline"),
    "malformed body": tokenFailure("KEYVAULT_RESPONSE_INVALID"),
    "huge body": tokenFailure("KEYVAULT_RESPONSE_INVALID"),
  },
  Graph: {
    hang: {
      status: "timed-out",
      code: "TIMED_OUT",
      names: "Microsoft Graph",
      cause: null,
      retried: "no",
      recorded: "logged",
      alerted: "alert",
    },
    "connection reset": renewalFailed("GRAPH_UNREACHABLE", "then fails"),
    "429 with Retry-After": afterRetryAfter,
    "5xx": renewalFailed("GRAPH_UNAVAILABLE", "then fails"),
    "malformed body": renewalFailed("GRAPH_RESPONSE_INVALID"),
    "huge body": renewalFailed("GRAPH_RESPONSE_TOO_LARGE"),
  },
  "downstream API": {
    hang: runTimedOut("the downstream API", "until the deadline"),
    "connection reset": runFailed("NETWORK", "then fails"),
    "429 with Retry-After": afterRetryAfter,
    "5xx": runFailed("HTTP_STATUS", "then fails"),
    "malformed body": {
      status: "succeeded",
      retried: "no",
      ...ok,
      note: "a 2xx is success; not JSON, so `json` is null",
    },
    "huge body": {
      status: "succeeded",
      retried: "no",
      ...ok,
      note: "M2M_MAX_BODY_BYTES read, not parsed: a warning",
    },
  },
  "alert webhook": {
    hang: delivery("TIMED_OUT"),
    "connection reset": delivery("ALERT_CHANNEL_UNREACHABLE"),
    "429 with Retry-After": delivery("ALERT_CHANNEL_REJECTED"),
    "5xx": delivery("ALERT_CHANNEL_REJECTED"),
    "malformed body": { ...delivery(null), note: "any 2xx is taken" },
    "huge body": { ...delivery(null), note: "any 2xx is taken; 4 KB of the answer read" },
  },
  // The Tables SDK retries resets and 5xx with its own backoff: a short deadline ends them.
  "Table Storage": {
    hang: storageDown("timed-out", "TIMED_OUT"),
    "connection reset": storageDown("timed-out", "TIMED_OUT", "until the deadline"),
    "429 with Retry-After": afterRetryAfter,
    "5xx": storageDown("timed-out", "TIMED_OUT", "until the deadline"),
    "malformed body": storageDown("failed", "LEASE_UNAVAILABLE"),
    "huge body": storageDown("failed", "LEASE_UNAVAILABLE"),
  },
};

/** The cells of some edges, in the table's order, for it.each. */
export function cellsOf(...edges: Edge[]): Cell[] {
  return edges.flatMap((edge) => FAULTS.map((fault) => ({ edge, fault, outcome: MATRIX[edge][fault] })));
}

/** A cell's outcome in words, as the README's table says it. */
export function outcomeWords(edge: Edge, outcome: Outcome): string {
  const code = (value: string | null) => `\`${value ?? ""}\``;
  const parts: string[] = [];
  // The check's renewal starts (a version is created) and goes on in later checks once Key Vault has issued it.
  const what = edge === "Graph" ? "renewal goes on" : "run succeeds";
  if (edge === "alert webhook") {
    parts.push(
      outcome.cause ? `delivery fails (${code(outcome.cause)}); sent once on the next run` : "delivered once",
    );
  } else if (outcome.status === "succeeded") {
    parts.push(outcome.retried === "then succeeds" ? `waits the Retry-After, retried: ${what}` : what);
  } else if (outcome.status === "timed-out") {
    const check = edge === "Graph" ? "check " : "";
    const named = `(${code(outcome.code)}, names ${outcome.names})`;
    parts.push(
      outcome.retried === "until the deadline"
        ? `retried until the deadline, then ${check}times out ${named}`
        : `${check}times out at the deadline ${named}`,
    );
  } else {
    const fails =
      `${edge === "Graph" ? "renewal " : ""}fails ${code(outcome.code)}` +
      (outcome.cause ? ` (${code(outcome.cause)})` : "") +
      (outcome.names ? `, names ${outcome.names}` : "");
    parts.push(outcome.retried === "then fails" ? `retried, then ${fails}` : fails);
  }
  if (edge === "Graph") {
    if (outcome.status !== "succeeded") parts.push("one error line");
    parts.push(outcome.status === "succeeded" ? "one new Key Vault version" : "no new Key Vault version");
  } else if (edge !== "alert webhook") {
    parts.push(outcome.recorded === "run" ? "recorded" : "not recorded: one error line");
  }
  if (outcome.alerted === "alert" && edge !== "alert webhook") parts.push("alerted");
  if (outcome.alerted === "direct") parts.push("channels told directly, once per streak");
  if (outcome.note) parts.push(outcome.note);
  return parts.join("; ");
}

/** README.md's "Fault matrix" table: one row per edge, one column per fault. */
export function readmeTable(): string {
  const header = `| Edge | ${FAULTS.join(" | ")} |`;
  const rule = `| ${["---", ...FAULTS.map(() => "---")].join(" | ")} |`;
  const rows = EDGES.map(
    (edge) => `| ${edge} | ${FAULTS.map((fault) => outcomeWords(edge, MATRIX[edge][fault])).join(" | ")} |`,
  );
  return [header, rule, ...rows].join("\n");
}
