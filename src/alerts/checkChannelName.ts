import { M2mError } from "../errors.js";

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** A channel name checked for use in the alert ledger's keys and in messages: letters, digits, '-', '_', '.'. */
export function checkChannelName(name: string): string {
  if (!NAME.test(name)) {
    throw new M2mError(
      "ALERT_CHANNEL_NAME_INVALID",
      `Alert channel name '${name.slice(0, 80)}' is not valid: expected 1 to 64 letters, digits, '-', '_' or '.', ` +
        `starting with a letter or digit (the ledger tracks deliveries by it).`,
    );
  }
  return name;
}
