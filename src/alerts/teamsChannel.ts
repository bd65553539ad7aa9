import { withinDeadline } from "../clock/withinDeadline.js";
import type { AlertChannel } from "./Alert.js";
import type { ChannelHttpOptions } from "./ChannelHttpOptions.js";
import { checkChannelName } from "./checkChannelName.js";
import { postAlert } from "./postAlert.js";
import { teamsMessage } from "./teamsMessage.js";

/**
 * Microsoft Teams through a Workflows (Power Automate) webhook — the replacement for the retired Office 365
 * connectors. The workflow answers 202 Accepted when it takes the message (any 2xx is taken as success).
 */
export function teamsChannel(
  options: { name?: string; webhookUrl: string } & ChannelHttpOptions,
): AlertChannel {
  const name = checkChannelName(options.name ?? "teams");
  return {
    name,
    send: (alert, deadline) =>
      withinDeadline(deadline, "the Teams webhook", (signal) =>
        postAlert(
          {
            channel: name,
            url: options.webhookUrl,
            body: JSON.stringify(teamsMessage(alert)),
            accepted: (status) => status >= 200 && status < 300,
            hint:
              "Check that the workflow behind M2M_ALERT_TEAMS_WEBHOOK_URL still exists and is turned on, that its " +
              "trigger allows 'Anyone' to call it, and that it posts attachments[0].content as an Adaptive Card.",
          },
          options,
          signal,
        ),
      ),
  };
}
