import { parseArgs, type ParseArgsConfig } from "node:util";
import { CliUsageError } from "./CliUsageError.js";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util's parseArgs (strict: unknown options and stray arguments refused), its errors as CliUsageError. */
export function parseCommandArgs<T extends Options>(argv: string[], options: T) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
}
