#!/usr/bin/env node
// m2m: the tenant side — certificate, its registration, the app's roles and permissions — as the signed-in person.
import { main } from "./m2mCommand.js";

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
