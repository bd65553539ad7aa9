// Runs a command with the dev CA trusted. NODE_EXTRA_CA_CERTS is read only when a Node process starts,
// so the CA must exist before the child starts: create it here, then hand over.
import { spawn } from "node:child_process";
import { devCaCertPath, ensureDevCa } from "./pki/devCa.js";

const [command, ...args] = process.argv.slice(2);
if (!command) {
  console.error("usage: node --import tsx dev/withDevCa.ts <command> [args...]");
  process.exit(2);
}
await ensureDevCa();
const child = spawn(command, args, {
  stdio: "inherit",
  env: { ...process.env, NODE_EXTRA_CA_CERTS: devCaCertPath },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
