import { systemClock } from "../clock/Clock.js";
import type { Env } from "../config/Env.js";
import { ConfigurationError, M2mError } from "../errors.js";
import type { CliContext } from "./CliContext.js";
import { consoleIo, type CliIo } from "./CliIo.js";
import { CliUsageError } from "./CliUsageError.js";
import { APP_GRANT_USAGE, appGrant } from "./commands/appGrant.js";
import { APP_REGISTER_CERT_USAGE, appRegisterCert } from "./commands/appRegisterCert.js";
import { CERT_CREATE_USAGE, certCreate } from "./commands/certCreate.js";
import { SETUP_USAGE, setup } from "./commands/setup.js";
import { main as diagnose } from "./diagnoseCommand.js";
import { signedInConnector } from "./tenant/signedInConnector.js";

export const M2M_USAGE = `Usage: m2m <command> [options]   (m2m <command> --help for its options)

The tenant side of m2m-functions, as the signed-in person. Every command is idempotent (what is there already is
reported, not done again) and --dry-run prints the Graph and Key Vault writes it would send, sending none.

  cert create        a self-signed certificate: PEM/CER/PFX files, or a certificate in Key Vault
  app register-cert  register a certificate on the app registration (the first key; the app adds later ones)
  app grant          the API's app roles, Graph's Application.ReadWrite.OwnedBy, ownership of its own
                     registration, and the federated credential for a managed identity
  setup              all of it for the app's settings, in order, then the diagnosis
  diagnose           the token path as the app runs it (m2m-diagnose)

Exit codes: 0 done, 1 a step failed (the message names the cause and the fix), 2 bad command line or settings.`;

type Command = { run: (argv: string[], context: CliContext) => Promise<number>; usage: string };

const COMMANDS: Readonly<Record<string, Command>> = {
  "cert create": { run: certCreate, usage: CERT_CREATE_USAGE },
  "app register-cert": { run: appRegisterCert, usage: APP_REGISTER_CERT_USAGE },
  "app grant": { run: appGrant, usage: APP_GRANT_USAGE },
  setup: { run: setup, usage: SETUP_USAGE },
};

/**
 * `m2m <command> [options]`: finds the command (one word or two), runs it and returns the exit code — 0 done, 1 a
 * step failed (its coded error printed, with the fix), 2 a bad command line or bad settings. `context` defaults to the
 * real world: the process environment, stdout/stderr, the signed-in person's Graph and Key Vault.
 */
export async function main(argv: string[], context: Partial<CliContext> = {}): Promise<number> {
  const io: CliIo = context.io ?? consoleIo;
  const env: Env = context.env ?? process.env;
  const full: CliContext = {
    io,
    env,
    connect: context.connect ?? signedInConnector(),
    clock: context.clock ?? systemClock,
  };
  const [first, second, ...rest] = argv;
  if (first === undefined || first === "--help" || first === "-h" || first === "help") {
    if (first === undefined) io.err(M2M_USAGE);
    else io.out(M2M_USAGE);
    return first === undefined ? 2 : 0;
  }
  if (first === "diagnose")
    return diagnose(
      [second, ...rest].filter((a) => a !== undefined),
      env,
    );
  const twoWords = second === undefined ? undefined : COMMANDS[`${first} ${second}`];
  const command = twoWords ?? COMMANDS[first];
  if (!command) {
    io.err(`Unknown command: m2m ${[first, second].filter(Boolean).join(" ")}\n\n${M2M_USAGE}`);
    return 2;
  }
  const args = twoWords ? rest : argv.slice(1);
  try {
    return await command.run(args, full);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(`${error.message}\n\n${command.usage}`);
      return 2;
    }
    if (error instanceof ConfigurationError) {
      io.err(error.message);
      return 2;
    }
    if (error instanceof M2mError) {
      io.err(`${error.code}: ${error.message}`);
      return 1;
    }
    throw error;
  }
}
