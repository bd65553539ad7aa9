import type { Alert, AlertChannel } from "../../src/alerts/Alert.js";

/**
 * An in-memory channel: records what it was sent, fails the next `failNext` sends, and can hold the next send open
 * until released (a sender that hangs or dies mid-send).
 */
export function fakeChannel(name: string) {
  const sent: Alert[] = [];
  const started: Alert[] = [];
  let failures = 0;
  let held: Promise<void> | null = null;
  const channel: AlertChannel = {
    name,
    async send(alert) {
      started.push(alert);
      const wait = held;
      held = null;
      if (wait) await wait;
      if (failures > 0) {
        failures -= 1;
        throw new Error(`${name} answered HTTP 500`);
      }
      sent.push(alert);
    },
  };
  return {
    channel,
    sent,
    /** Every send that began, finished or not. */
    started,
    failNext(count = 1) {
      failures += count;
    },
    /** The next send waits until the returned function is called; later ones do not. */
    holdNext() {
      let release!: () => void;
      held = new Promise<void>((resolve) => (release = resolve));
      return () => release();
    },
  };
}
