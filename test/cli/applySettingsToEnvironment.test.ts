import { describe, expect, it } from "vitest";
import { applySettingsToEnvironment } from "../../src/cli/applySettingsToEnvironment.js";

describe("applySettingsToEnvironment", () => {
  it("sets every value of the file the environment does not set, and names them in the file's order", () => {
    const target: Record<string, string | undefined> = { PATH: "/bin" };
    const applied = applySettingsToEnvironment(
      { IDENTITY_ENDPOINT: "http://127.0.0.1:41000/msi/token", IDENTITY_HEADER: "h", MSI_SECRET: "" },
      {},
      target,
    );
    expect(applied).toEqual(["IDENTITY_ENDPOINT", "IDENTITY_HEADER", "MSI_SECRET"]);
    expect(target).toEqual({
      PATH: "/bin",
      IDENTITY_ENDPOINT: "http://127.0.0.1:41000/msi/token",
      IDENTITY_HEADER: "h",
      MSI_SECRET: "",
    });
  });

  it("leaves a variable the environment sets as the environment has it (an empty one included)", () => {
    const target: Record<string, string | undefined> = { IDENTITY_HEADER: "from-env", MSI_ENDPOINT: "" };
    const applied = applySettingsToEnvironment(
      { IDENTITY_HEADER: "from-file", MSI_ENDPOINT: "http://file", IDENTITY_ENDPOINT: "http://file" },
      target,
      target,
    );
    expect(applied).toEqual(["IDENTITY_ENDPOINT"]);
    expect(target).toEqual({
      IDENTITY_HEADER: "from-env",
      MSI_ENDPOINT: "",
      IDENTITY_ENDPOINT: "http://file",
    });
  });

  it("skips a value that is not there", () => {
    const target: Record<string, string | undefined> = {};
    expect(applySettingsToEnvironment({ A: undefined }, {}, target)).toEqual([]);
    expect(target).toEqual({});
  });
});
