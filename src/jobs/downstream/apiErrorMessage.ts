import { scrubSecrets } from "../../net/scrubSecrets.js";
import { bodyExcerpt } from "./bodyExcerpt.js";

/** Characters of an API's own error message quoted in run messages. */
const MESSAGE_CHARS = 300;

/**
 * What an API said went wrong, from an error body: the `message` (and `code`) of the common JSON error shapes —
 * `{"error":{"code","message"}}` (Graph, Azure), `{"message"}`, OAuth's `error_description`, problem+json's
 * `detail`/`title` — or else the start of the body as text. Null for an empty body. Tokens in `redact`, and whatever
 * looks like a credential (scrubSecrets), are never quoted.
 */
export function apiErrorMessage(data: Uint8Array, redact: readonly string[] = []): string | null {
  const fromJson = messageFromJson(data);
  const text = fromJson ? fromJson : bodyExcerpt(data, { redact });
  if (!text) return null;
  const redacted = scrubSecrets(
    redact.reduce((t, secret) => (secret ? t.split(secret).join("<redacted>") : t), text),
  );
  const chars = Array.from(redacted);
  return chars.length > MESSAGE_CHARS ? `${chars.slice(0, MESSAGE_CHARS).join("")}…` : redacted;
}

function messageFromJson(data: Uint8Array): string | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder("utf-8").decode(data));
  } catch {
    return null;
  }
  if (!isRecord(parsed)) return null;
  const inner = isRecord(parsed.error) ? parsed.error : null;
  const code = str(inner?.code) ?? str(parsed.code) ?? str(parsed.error);
  const message =
    str(inner?.message) ??
    str(parsed.message) ??
    str(parsed.error_description) ??
    str(parsed.detail) ??
    str(parsed.title);
  if (message && code && !message.includes(code)) return `${code}: ${message}`;
  return message ?? code;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value.trim() : null;
}
