#!/usr/bin/env node
// m2m-diagnose: checks a setup end to end — settings, credential, token — and prints the token's claims.
import { main } from "./cli/diagnoseCommand.js";

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
