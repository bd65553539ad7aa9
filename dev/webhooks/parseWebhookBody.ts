/**
 * The JSON a delivery carries, or null: a JSON body, or (as Slack also accepts) a form whose `payload` field
 * holds the JSON.
 */
export function parseWebhookBody(body: string, contentType: string | undefined): unknown {
  let text = body;
  if (contentType?.toLowerCase().startsWith("application/x-www-form-urlencoded")) {
    const payload = new URLSearchParams(body).get("payload");
    if (payload === null) return null;
    text = payload;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
