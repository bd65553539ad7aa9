import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { startLocalHost } from "../../dev/host/startLocalHost.js";
import { appSettings } from "./appSettings.js";

const entry = fileURLToPath(new URL("../../src/index.ts", import.meta.url));

describe("start-up", () => {
  it("fails to load the app when an app role setting is not a role value, naming it", async () => {
    const starting = startLocalHost({
      entry,
      logger: { log: () => undefined },
      env: appSettings([], { M2M_OPERATOR_ROLE: "M2M Operator" }),
    });
    await expect(starting).rejects.toThrow(
      'Invalid app settings (1 problem):\n- M2M_OPERATOR_ROLE: expected the app role value (no spaces) that lets a signed-in person renew and run jobs (default M2M.Operator); got "M2M Operator"',
    );
  });
});
