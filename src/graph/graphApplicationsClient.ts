import { systemClock, type Clock } from "../clock/Clock.js";
import { createDeadline, type Deadline } from "../clock/Deadline.js";
import { sleep as realSleep } from "../clock/sleep.js";
import { isLoopbackUrl } from "../credentials/isLoopbackUrl.js";
import { M2mError, TimedOutError, TransientError } from "../errors.js";
import { decodeTokenClaims } from "../tokens/decodeTokenClaims.js";
import type { TokenSource } from "../tokens/TokenSource.js";
import type { GraphApplications } from "./GraphApplications.js";
import type { GraphCallName } from "./graphFailure.js";
import { graphReadForbiddenFix } from "./graphReadForbiddenFix.js";
import { parseGraphApplication, parseGraphKeyCredential, type Parsed } from "./parseGraphApplication.js";
import type { GraphAttempt } from "./sendGraphRequest.js";
import { sendGraphWithRetries } from "./sendGraphWithRetries.js";

/** An application object is a few kilobytes (a certificate's `key` is about 1–2 KB): 1 MiB is far above any. */
export const GRAPH_MAX_RESPONSE_BYTES = 1024 * 1024;

/** Retries of one call: 4 attempts, backoff with full jitter from 1 s up to 16 s, unless Graph says how long. */
const DEFAULT_RETRY = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 16_000 };
/** Less time than this before the deadline is not worth another attempt. */

const SELECT = "$select=id,appId,displayName,keyCredentials,passwordCredentials";

export interface GraphClientOptions {
  /** The Graph root: https://graph.microsoft.com, a national cloud's, or the local stand-in's. */
  graphUrl: string;
  tokens: TokenSource;
  fetch?: typeof fetch;
  /**
   * Bounds a call made without a deadline — the token, every attempt and the waits between them — and each attempt
   * of a call made with one. Default 30 s.
   */
  timeoutMs?: number;
  /** The largest response body read; a longer one is refused unread (GRAPH_RESPONSE_TOO_LARGE). Default 1 MiB. */
  maxResponseBytes?: number;
  retry?: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
  clock?: Clock;
  /** Waits between attempts; rejects when `signal` aborts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Jitter source, like Math.random. */
  random?: () => number;
}

interface GraphCall<T> extends GraphCallName {
  query: string;
  body?: unknown;
  /** Checks a 2xx answer's JSON (undefined when `bodyless`). */
  parse: (json: unknown) => Parsed<T>;
  /** The answer has no body to read (removeKey: 204). */
  bodyless?: true;
  /** How `az` names the application in a fix. */
  application: string;
}

/**
 * Microsoft Graph `applications` over fetch, with the app's own app-only token for `<graph>/.default`. Each call is
 * bounded (the caller's deadline, or `timeoutMs`), retried when Graph says to try again (429 with Retry-After, 503,
 * 504, and for reads a reset connection or a timed-out attempt) while the deadline leaves time, reads at most
 * `maxResponseBytes` and checks that a 2xx answer is the application or key credential it should be.
 */
export function graphApplicationsClient(options: GraphClientOptions): GraphApplications {
  const root = options.graphUrl.replace(/\/+$/, "").replace(/\/v1\.0$/, "");
  // The stand-ins issue tokens for Graph's real audience wherever they listen.
  const scope = `${isLoopbackUrl(root) ? "https://graph.microsoft.com" : root}/.default`;
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxBytes = options.maxResponseBytes ?? GRAPH_MAX_RESPONSE_BYTES;
  const retry = options.retry ?? DEFAULT_RETRY;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const doFetch = options.fetch ?? fetch;

  async function attempts<T>(call: GraphCall<T>, deadline: Deadline): Promise<T> {
    const token = await deadline.bound("the token endpoint", () => options.tokens.getToken({ scope }));
    const { answer: outcome, clientRequestId } = await sendGraphWithRetries({
      call,
      url: `${root}/v1.0${call.path}${call.query ? `?${call.query}` : ""}`,
      headers: { authorization: `Bearer ${token.token}` },
      body: call.body,
      accept: (answer) => answer.status >= 200 && answer.status < 300,
      fix: (status) =>
        status === 403 && call.method === "GET"
          ? forbiddenFix(call.application, token.token)
          : status === 404 && call.method === "GET"
            ? `Check M2M_CLIENT_ID and M2M_TENANT_ID: Graph has no such application in the tenant of the app's token.`
            : null,
      deadline,
      retry,
      // An attempt gets `timeoutMs` when the deadline leaves more, so a hung connection can be tried again.
      attemptTimeoutMs: timeoutMs,
      maxBodyBytes: maxBytes,
      clock,
      sleep,
      random,
      fetch: doFetch,
    });
    return answer(call, outcome, clientRequestId);
  }

  /** The checked body of a 2xx answer. */
  function answer<T>(
    call: GraphCall<T>,
    outcome: Extract<GraphAttempt, { kind: "response" }>,
    clientRequestId: string,
  ): T {
    const where = `Microsoft Graph answered ${call.method} ${call.path} with ${outcome.status}`;
    const ids = `client-request-id ${clientRequestId}, request-id ${outcome.headers.get("request-id") ?? "none"}`;
    const check = `Check that M2M_GRAPH_URL (${root}) is Microsoft Graph's root (https://graph.microsoft.com, or a national cloud's) and that no proxy answers in its place.`;
    if (outcome.body.truncated) {
      throw new M2mError(
        "GRAPH_RESPONSE_TOO_LARGE",
        `${where} and a body over ${maxBytes} bytes, far more than an application object; it was not read (${ids}). ${check}`,
      );
    }
    if (call.bodyless) return unwrap(call, call.parse(undefined), where, ids, check);
    const text = new TextDecoder().decode(outcome.body.data);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      const type = outcome.headers.get("content-type") ?? "none";
      throw new M2mError(
        "GRAPH_RESPONSE_INVALID",
        `${where} and a body that is not JSON (content-type ${type}: ${JSON.stringify(text.trim().slice(0, 120))}) (${ids}). ${check}`,
      );
    }
    return unwrap(call, call.parse(json), where, ids, check);
  }

  async function call<T>(request: GraphCall<T>, deadline: Deadline | undefined): Promise<T> {
    if (deadline) return attempts(request, deadline);
    try {
      return await attempts(request, createDeadline({ budgetMs: timeoutMs, clock }));
    } catch (error) {
      // Without the caller's deadline the time was the client's own, not the invocation's.
      if (error instanceof TimedOutError) {
        throw new TransientError(
          "GRAPH_TIMEOUT",
          `${error.edge === "Microsoft Graph" ? `Microsoft Graph did not answer ${request.method} ${request.path}` : `The token endpoint did not give a token for Microsoft Graph (${request.method} ${request.path})`} within the Graph client's ${timeoutMs / 1000} s (every attempt and wait included).`,
          { cause: error },
        );
      }
      throw error;
    }
  }

  const readApplication = (path: string, application: string) => ({
    method: "GET",
    path,
    query: SELECT,
    parse: parseGraphApplication,
    application,
  });

  return {
    get: (objectId, deadline) =>
      call(readApplication(`/applications/${encodeURIComponent(objectId)}`, objectId), deadline),
    getByAppId: (appId, deadline) =>
      call(readApplication(`/applications(appId='${encodeURIComponent(appId)}')`, appId), deadline),
    addKey: (objectId, certificateDerBase64, displayName, proof, deadline) =>
      call(
        {
          method: "POST",
          path: `/applications/${encodeURIComponent(objectId)}/addKey`,
          query: "",
          body: {
            keyCredential: {
              type: "AsymmetricX509Cert",
              usage: "Verify",
              key: certificateDerBase64,
              displayName,
            },
            passwordCredential: null,
            proof,
          },
          parse: parseGraphKeyCredential,
          application: objectId,
        },
        deadline,
      ),
    removeKey: (objectId, keyId, proof, deadline) =>
      call<void>(
        {
          method: "POST",
          path: `/applications/${encodeURIComponent(objectId)}/removeKey`,
          query: "",
          body: { keyId, proof },
          parse: () => ({ ok: true, value: undefined }),
          bodyless: true,
          application: objectId,
        },
        deadline,
      ),
  };
}

/** The parsed answer, or GRAPH_RESPONSE_INVALID naming what is wrong with it. */
function unwrap<T>(call: GraphCall<T>, parsed: Parsed<T>, where: string, ids: string, check: string): T {
  if (parsed.ok) return parsed.value;
  throw new M2mError(
    "GRAPH_RESPONSE_INVALID",
    `${where} and JSON that is not ${call.method === "GET" ? "an application object" : "a keyCredential"}: ${parsed.problem} (${ids}). ${check}`,
  );
}

/** The fix for a refused read, with what the app's Graph token holds (its roles and service principal, never the token). */
function forbiddenFix(application: string, token: string): string {
  const claims = decodeTokenClaims(token);
  const roles = Array.isArray(claims?.roles)
    ? claims.roles.filter((role): role is string => typeof role === "string")
    : [];
  return graphReadForbiddenFix({
    applicationId: application,
    servicePrincipalObjectId: typeof claims?.oid === "string" ? claims.oid : null,
    roles,
  });
}
