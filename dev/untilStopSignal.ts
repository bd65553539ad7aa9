/**
 * Resolves at the first SIGINT or SIGTERM and keeps handling both afterwards, so the stop that follows runs to its
 * end. One Ctrl+C reaches a dev command several times: the terminal signals the whole foreground process group (npm,
 * the dev CA wrapper and the command) and npm and the wrapper each relay it once more; with a one-time handler the
 * second copy met Node's default action and killed the command half-way through stopping Azurite.
 */
export function untilStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      resolve(signal);
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
