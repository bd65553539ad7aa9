/** What a webhook service answers to a delivery. */
export interface WebhookAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * How the real services answer a POST, by path prefix:
 * - `/teams/…` — a Teams Workflows (Power Automate "When a Teams webhook request is received") trigger:
 *   202 Accepted with no body; a body that is not JSON is refused with 400 InvalidRequestContent.
 * - `/slack/…` — a Slack incoming webhook: 200 `ok`; 400 `invalid_payload` for a body that is not JSON (nor a
 *   form with a JSON `payload`), 400 `no_text` for a message without `text`, `blocks` or `attachments`.
 * - anything else — a generic receiver: 204 No Content.
 */
export function webhookAnswer(path: string, json: unknown, body: string): WebhookAnswer {
  if (path.startsWith("/teams/")) {
    if (json === null) {
      return {
        status: 400,
        headers: { "Content-Type": "application/json; charset=utf-8" },
        body: JSON.stringify({
          error: {
            code: "InvalidRequestContent",
            message: `The request content is not valid and could not be deserialized: the body is not JSON ('${body.slice(0, 40)}').`,
          },
        }),
      };
    }
    return { status: 202, headers: {}, body: "" };
  }
  if (path.startsWith("/slack/")) {
    const text = (status: number, answer: string) => ({
      status,
      headers: { "Content-Type": "text/html" },
      body: answer,
    });
    if (json === null || typeof json !== "object" || Array.isArray(json)) return text(400, "invalid_payload");
    const message = json as Record<string, unknown>;
    if (!message.text && !message.blocks && !message.attachments) return text(400, "no_text");
    return text(200, "ok");
  }
  return { status: 204, headers: {}, body: "" };
}
