import { describeNetworkError } from "../jobs/downstream/describeNetworkError.js";
import { readCappedBody } from "../jobs/downstream/readCappedBody.js";
import { USER_AGENT } from "../jobs/downstream/userAgent.js";
import { safeUrl } from "../net/safeUrl.js";
import { scrubSecrets } from "../net/scrubSecrets.js";
import { ATTR } from "../telemetry/attributeNames.js";
import { inHttpClientSpan } from "../telemetry/inHttpClientSpan.js";
import { AlertChannelError } from "./AlertChannelError.js";
import { DEFAULT_CHANNEL_TIMEOUT_MS, type ChannelHttpOptions } from "./ChannelHttpOptions.js";
import { scrubUrlSecrets } from "./scrubUrlSecrets.js";

/** Bytes of a channel's answer read: enough for an error body, never a whole page. */
const ANSWER_BYTES = 4096;
/** Characters of the answer quoted in an error message. */
const EXCERPT_CHARS = 200;

/** One alert message to POST as JSON. */
export interface AlertPost {
  /** The channel's name, for the error message. */
  channel: string;
  url: string;
  /** JSON text, sent as is (the generic webhook signs exactly these bytes). */
  body: string;
  headers?: Readonly<Record<string, string>>;
  /** Whether the answer means the channel took the message. */
  accepted(status: number, body: string): boolean;
  /** What to check when the channel refuses, as a sentence. */
  hint: string;
}

/**
 * POSTs an alert message and returns when the channel took it; otherwise throws AlertChannelError. One request:
 * no retry (the ledger retries on the next run), no redirect (a webhook that redirects is misconfigured, and
 * following would send the message to another host). The URL's path and query never appear in an error.
 *
 * The request is a CLIENT span named `POST` with the channel (`m2m.alert.channel`), the webhook's host
 * (`server.address`) and the answer's status; never `url.full`: a webhook URL is a secret (Teams and Slack carry it
 * in the path). A refusal or a failure marks the span failed with its code (ALERT_CHANNEL_REJECTED, …).
 */
export function postAlert(
  post: AlertPost,
  http: ChannelHttpOptions = {},
  signal?: AbortSignal,
): Promise<void> {
  return inHttpClientSpan(
    { method: "POST", url: post.url, showUrl: false, attributes: { [ATTR.channel]: post.channel } },
    // The status only: a refusal is thrown as its code (ALERT_CHANNEL_REJECTED), which marks the span.
    (exchange) => send(post, http, signal, (status) => exchange.received(status)),
  );
}

async function send(
  post: AlertPost,
  http: ChannelHttpOptions,
  signal: AbortSignal | undefined,
  answered: (status: number) => void,
): Promise<void> {
  const fetchAlert = http.fetch ?? fetch;
  const timeoutMs = http.timeoutMs ?? DEFAULT_CHANNEL_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  // Teams Workflows and Slack webhook URLs carry their secret in the path or the query: only scheme and host show.
  const where = `Alert channel '${post.channel}' (${safeUrl(post.url, { path: false })})`;

  let status: number | null = null;
  try {
    const response = await fetchAlert(post.url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": USER_AGENT, ...post.headers },
      body: post.body,
      redirect: "manual",
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    status = response.status;
    answered(status);
    const answer = await readCappedBody(response.body, ANSWER_BYTES);
    // Classified below with fetch's own failures (describeNetworkError reads the cause's code).
    if (answer.error) throw new Error("the answer could not be read", { cause: answer.error });
    const text = new TextDecoder("utf-8").decode(answer.data);
    if (post.accepted(response.status, text)) return;

    const excerpt = scrubSecrets(scrubUrlSecrets(text, post.url)).replace(/\s+/g, " ").trim();
    const redirect =
      response.status >= 300 && response.status < 400 ? " (a redirect: webhooks are not followed)" : "";
    throw new AlertChannelError(
      "ALERT_CHANNEL_REJECTED",
      `${where} answered HTTP ${response.status}${redirect}` +
        `${excerpt === "" ? " with an empty body" : `: ${cut(excerpt)}`}. ${post.hint}`,
      { channel: post.channel, status: response.status },
    );
  } catch (error) {
    if (error instanceof AlertChannelError) throw error;
    const phase = status === null ? "before it answered" : `while reading its HTTP ${status} answer`;
    if (timeout.aborted) {
      throw new AlertChannelError(
        "ALERT_CHANNEL_TIMEOUT",
        `${where} did not finish within ${timeoutMs} ms (timed out ${phase}): the channel is down or overloaded.`,
        { channel: post.channel, status, detail: error },
      );
    }
    if (signal?.aborted) {
      throw new AlertChannelError("ALERT_CHANNEL_ABORTED", `Sending to ${where} was cancelled ${phase}.`, {
        channel: post.channel,
        status,
        detail: error,
      });
    }
    const reason = scrubUrlSecrets(describeNetworkError(error).summary, post.url);
    throw new AlertChannelError(
      "ALERT_CHANNEL_UNREACHABLE",
      status === null
        ? `${where} could not be reached (${reason}). Check the channel's URL setting and that outbound HTTPS ` +
            `to ${safeUrl(post.url, { path: false })} is allowed from the Function app.`
        : `${where} broke off (${reason}) while sending its HTTP ${status} answer; whether it took the alert is ` +
            `unknown, so it may arrive twice (receivers can drop repeats by the dedupe key).`,
      { channel: post.channel, status, detail: error },
    );
  }
}

function cut(text: string): string {
  const chars = Array.from(text);
  return chars.length > EXCERPT_CHARS ? `${chars.slice(0, EXCERPT_CHARS).join("")}…` : text;
}
