import { isLoopbackHost } from "../../net/isLoopbackHost.js";
import { safeUrl } from "../../net/safeUrl.js";
import type { DownstreamDeps, RunContext } from "../downstream/callDownstream.js";
import { callOutcome } from "../downstream/callOutcome.js";
import { newCallRecord } from "../downstream/CallRecord.js";
import { runAttempts } from "../downstream/runAttempts.js";
import { runToken } from "../downstream/runToken.js";
import type { CodeJobDefinition, HttpJobDefinition, JobRequest } from "../JobDefinition.js";
import type { AttemptResult } from "../RunResult.js";
import { JobError, JobHttpError } from "./JobError.js";
import type { JobHttp, JobHttpMethod, JobPage, JobRequestOptions, JobResponse } from "./JobModule.js";
import { nextPageUrl } from "./nextPageUrl.js";
import { pageItems } from "./pageItems.js";

/** Any 2xx: what a code job's request counts as success unless it says otherwise. */
const SUCCESS = Object.freeze(Array.from({ length: 100 }, (_, i) => 200 + i));

/**
 * What a run's requests did, for its record: every attempt of every request (in order), the last answer's status and
 * correlation, the bytes read, and the tokens used (redacted from anything recorded).
 */
export interface RunTraffic {
  readonly attempts: AttemptResult[];
  httpStatus: number | null;
  bytes: number;
  correlation: { traceparent: string; clientRequestId: string; requestId: string | null };
  readonly secrets: string[];
  /**
   * The requests in flight, each with the edge it waits on: when the run's deadline passes while the job's code awaits
   * one, the run is recorded as timed out on that edge, not on the job's code.
   */
  readonly waiting: Set<{ edge: string; where: string }>;
}

export function newRunTraffic(): RunTraffic {
  return {
    attempts: [],
    httpStatus: null,
    bytes: 0,
    correlation: { traceparent: "", clientRequestId: "", requestId: null },
    secrets: [],
    waiting: new Set(),
  };
}

export interface JobHttpClientOptions {
  job: CodeJobDefinition;
  scope: string;
  /** Relative URLs resolve against it; with `onlyOrigin`, absolute ones must be on its origin (ctx.graph). */
  baseUrl?: string;
  onlyOrigin?: boolean;
  /** Who the client is, for messages: "ctx.http", "ctx.graph". */
  label: string;
  /** What its requests wait on, as a timed-out run names it: "the downstream API", "Microsoft Graph". */
  edge: string;
  context: RunContext;
  deps: DownstreamDeps;
  traffic: RunTraffic;
  /** Whether the run has ended: a request made after it (by code that ignored the deadline) is refused. */
  ended: () => boolean;
}

/**
 * A code job's HTTP client for one scope, on the same path as a declared job's call (runToken, runAttempts): bearer
 * token, correlation headers, per-attempt timeout, retries with backoff or Retry-After within the run's deadline, one
 * fresh token after a 401 to a cached one, the body read up to the cap. Each request's attempts, status and
 * correlation are added to `traffic`. A request that does not succeed throws a JobHttpError.
 */
export function jobHttpClient(options: JobHttpClientOptions): JobHttp {
  const { job, context, deps, traffic } = options;

  async function request(
    method: JobHttpMethod,
    target: string,
    requestOptions: JobRequestOptions = {},
  ): Promise<JobResponse> {
    if (options.ended()) {
      throw new JobError(
        "RUN_ENDED",
        `${options.label}.${method.toLowerCase()}() was called after job '${job.name}' run ${context.runId} ended (its deadline passed or it returned): pass ctx.signal to what you await, and await every request before returning.`,
      );
    }
    const url = resolveUrl(target, options);
    const body = requestOptions.json === undefined ? null : requestOptions.json;
    if (body !== null && (method === "GET" || method === "HEAD")) {
      throw new JobError("REQUEST_INVALID", `${method} ${safeUrl(url)}: a ${method} request has no body.`);
    }
    const definition: HttpJobDefinition = {
      ...job,
      kind: "http",
      scope: options.scope,
      request: { method, url, headers: { ...requestOptions.headers }, body } satisfies JobRequest,
      successStatuses: requestOptions.ok ?? SUCCESS,
      idempotent: requestOptions.idempotent ?? false,
      keepResponse: false,
    };
    const where = `${method} ${safeUrl(url)}`;
    const call = newCallRecord(deps.clock().getTime());
    const waiting = { edge: "the token endpoint", where: `a token for ${options.scope}, before ${where}` };
    traffic.waiting.add(waiting);
    let end;
    try {
      const token = await runToken(definition, context, deps, false);
      if (token.ok) {
        call.secrets.push(token.token.token);
        Object.assign(waiting, { edge: options.edge, where });
        end = await runAttempts(definition, context, deps, call, token.token);
      } else {
        end = token.end;
      }
    } finally {
      traffic.waiting.delete(waiting);
    }
    traffic.secrets.push(...call.secrets);
    const outcome = callOutcome(call, end, deps.clock().getTime());
    traffic.attempts.push(...outcome.attempts);
    if (outcome.attempts.length > 0) {
      traffic.httpStatus = outcome.httpStatus;
      traffic.bytes += outcome.bytes;
      traffic.correlation = outcome.correlation;
    }
    if (end.status === "failed") {
      throw new JobHttpError(end.errorCode, `${where}: ${outcome.errorMessage ?? end.errorCode}`, {
        status: outcome.httpStatus,
        bodyExcerpt: outcome.errorBodyExcerpt,
        ...(end.edge !== undefined ? { edge: end.edge } : {}),
      });
    }
    const answer = call.response!;
    if (answer.body.truncated) {
      throw new JobHttpError(
        "RESPONSE_TOO_LARGE",
        `${where}: the answer's body is larger than M2M_MAX_BODY_BYTES (${deps.maxBodyBytes} bytes), so it was not read whole. Ask for less per page ($top, $select, a smaller window) or raise M2M_MAX_BODY_BYTES.`,
        { status: answer.status, bodyExcerpt: null },
      );
    }
    return jobResponse(answer.url, answer.status, answer.headers, answer.body.data, where);
  }

  async function* pages<T>(first: string, requestOptions: JobRequestOptions = {}): AsyncIterable<JobPage<T>> {
    const seen = new Set<string>();
    let url: string | null = resolveUrl(first, options);
    for (let number = 1; url !== null; number++) {
      seen.add(url);
      const response = await request("GET", url, requestOptions);
      const body = response.json();
      const items = pageItems<T>(body, `GET ${safeUrl(response.url)}`);
      const next = nextPageUrl({ url: response.url, headers: response.headers, body });
      if (next !== null && seen.has(next)) {
        throw new JobError(
          "PAGING_LINK_LOOP",
          `GET ${safeUrl(response.url)}: page ${number}'s next link leads back to a page already read (${safeUrl(next)}); the list was not read to its end.`,
        );
      }
      yield { number, url: response.url, items, response };
      url = next;
    }
  }

  return {
    request,
    get: (url, o) => request("GET", url, o),
    getJson: async <T>(url: string, o?: JobRequestOptions) => (await request("GET", url, o)).json<T>(),
    post: (url, json, o) => request("POST", url, { ...o, json }),
    put: (url, json, o) => request("PUT", url, { ...o, json }),
    patch: (url, json, o) => request("PATCH", url, { ...o, json }),
    delete: (url, o) => request("DELETE", url, o),
    pages,
    async *items<T>(url: string, o?: JobRequestOptions) {
      for await (const page of pages<T>(url, o)) yield* page.items;
    },
  };
}

/**
 * The absolute URL a job asked for: relative ones against the client's base; https only (http for loopback), no user
 * info; on the base's origin for a client bound to it (the Graph token goes to Graph only).
 */
function resolveUrl(
  target: string,
  options: Pick<JobHttpClientOptions, "baseUrl" | "onlyOrigin" | "label">,
): string {
  const url = URL.parse(target, options.baseUrl);
  const refuse = (why: string): never => {
    throw new JobError(
      "REQUEST_INVALID",
      `${options.label}: ${why}; got ${JSON.stringify(safeUrl(target))}.`,
    );
  };
  if (!url) return refuse(options.baseUrl ? "expected a URL or a path" : "expected an absolute URL");
  if (!(url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname)))) {
    return refuse("expected an https URL (http only for localhost)");
  }
  if (url.username || url.password) {
    return refuse("expected a URL without a user name or password (the client sends the bearer token)");
  }
  if (options.onlyOrigin && options.baseUrl && url.origin !== new URL(options.baseUrl).origin) {
    return refuse(
      `expected a path or a URL on ${new URL(options.baseUrl).origin} (use ctx.httpFor(scope) for another API)`,
    );
  }
  return url.href;
}

function jobResponse(
  url: string,
  status: number,
  headers: Headers,
  body: Uint8Array,
  where: string,
): JobResponse {
  return {
    status,
    headers,
    url,
    body,
    text: () => new TextDecoder("utf-8").decode(body),
    json<T>(): T {
      try {
        return JSON.parse(new TextDecoder("utf-8").decode(body)) as T;
      } catch {
        throw new JobError(
          "RESPONSE_NOT_JSON",
          `${where}: the answer (HTTP ${status}, ${headers.get("content-type") ?? "no content type"}, ${body.byteLength} bytes) is not JSON.`,
        );
      }
    },
  };
}
