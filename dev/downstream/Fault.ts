/**
 * A scripted misbehaviour for one request to a route, as real APIs and the networks in front of them misbehave.
 * Faults are consumed in order, one per request.
 */
export type Fault =
  /** Answers this status (a gateway's 502/503/504, a 500) with `body` (JSON, or a string sent as text). */
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  /** 429 Too Many Requests with `Retry-After`: delta seconds ("2") or an HTTP date. */
  | { kind: "throttle"; retryAfter: string }
  /** Waits `ms` milliseconds, then answers normally (token checks and all). */
  | { kind: "latency"; ms: number }
  /** Destroys the connection without answering (a reset, a crashed backend). */
  | { kind: "reset" }
  /** A 401 invalid_token even for a valid token, once (as right after a signing key rollover). */
  | { kind: "unauthorized" }
  /** Never answers: the request stays open until the client gives up or the stand-in stops. */
  | { kind: "hang" };

export type FaultKind = Fault["kind"];
