import type { Clock } from "../../src/clock/Clock.js";

/** A clock that moves only when told to. Starts at the real time so certificates made now are valid. */
export function manualClock(start = Date.now()) {
  let now = start;
  const clock: Clock = () => new Date(now);
  return {
    clock,
    advance(ms: number) {
      now += ms;
    },
  };
}
