import type { AccessToken, TokenCredential } from "@azure/identity";
import { systemClock, type Clock } from "../../clock/Clock.js";
import type { Deadline } from "../../clock/Deadline.js";
import { sleep as realSleep } from "../../clock/sleep.js";
import { isLoopbackUrl } from "../../credentials/isLoopbackUrl.js";
import { M2mError } from "../../errors.js";
import type { GraphAttempt } from "../../graph/sendGraphRequest.js";
import { sendGraphWithRetries } from "../../graph/sendGraphWithRetries.js";
import type { GraphPort } from "./GraphPort.js";
import { signInError } from "./signInError.js";

/** Lists of role assignments, owners or credentials are small; a page of 100 objects is far below this. */
const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** A collection longer than this many pages is not one the CLI reads to decide anything. */
const MAX_PAGES = 50;
const DEFAULT_RETRY = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 16_000 };
/** A cached token is used until this long before it expires. */
const TOKEN_REFRESH_MARGIN_MS = 60_000;
/** The edge a deadline names when the person's sign-in has not given a token in time. */
export const DEVELOPER_SIGN_IN = "the developer sign-in (DefaultAzureCredential)";

export interface TenantGraphClientOptions {
  /** Microsoft Graph's root (https://graph.microsoft.com, a national cloud's, the stand-in's), without /v1.0. */
  graphUrl: string;
  /** The person's credential (DefaultAzureCredential): Graph sees what they may do. */
  credential: TokenCredential;
  /** Named in the sign-in fix ("az login --tenant …"). */
  tenantId: string;
  fetch?: typeof fetch;
  clock?: Clock;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  random?: () => number;
  retry?: { maxAttempts: number; baseDelayMs: number; maxDelayMs: number };
}

type Answer = { status: number; json: unknown };

/**
 * Microsoft Graph v1.0 over fetch with the signed-in person's token (`<graph>/.default`, delegated for a person,
 * app-only for a service principal in AZURE_CLIENT_ID/AZURE_CLIENT_SECRET): the request plumbing of the app's own
 * Graph client (sendGraphRequest, decideRetry, graphFailure) for the objects the tenant commands read and write.
 * Reads are retried after 429, 503, 504 and transient network failures; writes only after 429 and 503 (Graph did not
 * carry them out), within the deadline. The token is asked for once and reused until a minute before it expires.
 */
export function tenantGraphClient(options: TenantGraphClientOptions): GraphPort {
  const root = options.graphUrl.replace(/\/+$/, "").replace(/\/v1\.0$/, "");
  // The stand-ins issue tokens for Graph's real audience wherever they listen (as graphApplicationsClient asks).
  const scope = `${isLoopbackUrl(root) ? "https://graph.microsoft.com" : root}/.default`;
  const clock = options.clock ?? systemClock;
  const sleep = options.sleep ?? realSleep;
  const random = options.random ?? Math.random;
  const retry = options.retry ?? DEFAULT_RETRY;
  const doFetch = options.fetch ?? fetch;
  const urlOf = (path: string) => `${root}/v1.0${path}`;
  let cached: AccessToken | null = null;

  async function token(deadline: Deadline): Promise<string> {
    if (cached && cached.expiresOnTimestamp - TOKEN_REFRESH_MARGIN_MS > clock().getTime())
      return cached.token;
    let fresh: AccessToken | null;
    try {
      fresh = await deadline.bound(DEVELOPER_SIGN_IN, (abortSignal) =>
        options.credential.getToken(scope, { abortSignal }),
      );
    } catch (error) {
      throw signInError(error, { scope, tenantId: options.tenantId });
    }
    if (!fresh)
      throw signInError(new Error("the credential returned no token"), { scope, tenantId: options.tenantId });
    cached = fresh;
    return fresh.token;
  }

  async function request(
    method: string,
    url: string,
    body: unknown,
    forbiddenFix: string,
    deadline: Deadline,
  ): Promise<Answer> {
    const bearer = await token(deadline);
    const path = url.startsWith(`${root}/v1.0`) ? url.slice(root.length + 5) : url;
    const { answer } = await sendGraphWithRetries({
      call: { method, path },
      url,
      headers: { authorization: `Bearer ${bearer}` },
      body,
      // A read of something that is not there is an answer too (the planners decide what to create).
      accept: (answer) => answer.status < 300 || (method === "GET" && answer.status === 404),
      fix: (status) => (status === 403 ? forbiddenFix : null),
      deadline,
      retry,
      maxBodyBytes: MAX_RESPONSE_BYTES,
      clock,
      sleep,
      random,
      fetch: doFetch,
    });
    return { status: answer.status, json: readJson(answer, `${method} ${path}`) };
  }

  return {
    urlOf,
    async get(read, deadline) {
      const answer = await request("GET", urlOf(read.path), undefined, read.forbiddenFix, deadline);
      return answer.status === 404 ? null : answer.json;
    },
    async list(read, deadline) {
      const items: unknown[] = [];
      let url: string | null = urlOf(read.path);
      for (let page = 1; url !== null; page++) {
        const answer: Answer = await request("GET", url, undefined, read.forbiddenFix, deadline);
        const where = `Microsoft Graph's answer to GET ${read.path}`;
        if (answer.status === 404)
          throw new M2mError(
            "GRAPH_NOT_FOUND",
            `${where} was 404: the object whose collection it lists does not exist.`,
          );
        const { value, next } = collectionOf(answer.json, where);
        items.push(...value);
        if (next !== null && (!next.startsWith(`${root}/`) || page >= MAX_PAGES)) {
          throw new M2mError(
            "GRAPH_RESPONSE_INVALID",
            `${where} ${page >= MAX_PAGES ? `has more than ${MAX_PAGES} pages` : `links its next page outside ${root}`}: not a collection this command reads.`,
          );
        }
        url = next;
      }
      return items;
    },
    async send(write, deadline) {
      const answer = await request(write.method, urlOf(write.path), write.body, write.forbiddenFix, deadline);
      return answer.json;
    },
  };
}

/** The JSON of a 2xx (or a GET's 404) answer; null for no body (204). */
function readJson(outcome: Extract<GraphAttempt, { kind: "response" }>, what: string): unknown {
  if (outcome.body.truncated) {
    throw new M2mError(
      "GRAPH_RESPONSE_TOO_LARGE",
      `Microsoft Graph answered ${what} with more than ${MAX_RESPONSE_BYTES} bytes; it was not read.`,
    );
  }
  const text = new TextDecoder().decode(outcome.body.data).trim();
  if (outcome.status === 404 || text === "") return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new M2mError(
      "GRAPH_RESPONSE_INVALID",
      `Microsoft Graph answered ${what} with ${outcome.status} and a body that is not JSON (${JSON.stringify(text.slice(0, 120))}). Check M2M_GRAPH_URL.`,
    );
  }
}

/** A page of a Graph collection: `{ value: [...], "@odata.nextLink"?: url }`. */
function collectionOf(json: unknown, where: string): { value: unknown[]; next: string | null } {
  const page = json as { value?: unknown; "@odata.nextLink"?: unknown } | null;
  if (!page || typeof page !== "object" || !Array.isArray(page.value)) {
    throw new M2mError("GRAPH_RESPONSE_INVALID", `${where} is not a collection ({ "value": [...] }).`);
  }
  const next = page["@odata.nextLink"];
  return { value: page.value as unknown[], next: typeof next === "string" ? next : null };
}
