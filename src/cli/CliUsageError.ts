import { M2mError } from "../errors.js";

/** The command line is not valid: the message says what is wrong; the command's usage follows it. Exit code 2. */
export class CliUsageError extends M2mError {
  override name = "CliUsageError";

  constructor(message: string) {
    super("CLI_USAGE_INVALID", message);
  }
}
