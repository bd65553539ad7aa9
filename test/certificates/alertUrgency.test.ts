import { describe, expect, it } from "vitest";
import { reminderUrgency, URGENCY } from "../../src/certificates/alertUrgency.js";

describe("certificate alert urgencies", () => {
  it("are the numbers stored in firing alerts' steps: a change would re-escalate or silence them", () => {
    // The values the alert ledger holds in `<urgency>|<episode>|<label>` steps since they were first written.
    expect(URGENCY).toEqual({
      driftWarning: 1,
      driftCritical: 2,
      rotationRenewing: 1,
      rotationVerifying: 3,
      rotationSwitched: 4,
      manualRenewal: 20,
      renewalFailed: 30,
      expired: 10_000,
    });
    expect(Object.isFrozen(URGENCY)).toBe(true);
  });

  it("makes each reminder step more urgent than the one before it, and expiry the most urgent", () => {
    expect([30, 14, 7, 3, 1].map(reminderUrgency)).toEqual([9_970, 9_986, 9_993, 9_997, 9_999]);
    expect(reminderUrgency(1)).toBeLessThan(URGENCY.expired);
    expect(reminderUrgency(90)).toBeGreaterThan(URGENCY.renewalFailed);
  });
});
