import type { AppMetrics } from "../telemetry/AppMetrics.js";
import type { AlertChannel } from "./Alert.js";

/**
 * The channel, counting every send by its result (`m2m.alert.deliveries`, outcome sent or failed): the ledger's
 * deliveries and retries and the job notifier's direct alerts alike. What a send throws is thrown on.
 */
export function measuredChannel(channel: AlertChannel, metrics: AppMetrics): AlertChannel {
  return {
    name: channel.name,
    async send(alert, deadline) {
      try {
        await channel.send(alert, deadline);
      } catch (error) {
        metrics.alertDelivery({ channel: channel.name, outcome: "failed" });
        throw error;
      }
      metrics.alertDelivery({ channel: channel.name, outcome: "sent" });
    },
  };
}
