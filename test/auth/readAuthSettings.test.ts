import { describe, expect, it } from "vitest";
import { readAuthSettings } from "../../src/auth/readAuthSettings.js";
import { ConfigurationError } from "../../src/errors.js";

const NO_HOST =
  "WEBSITE_HOSTNAME is not set (Azure, Core Tools and the local host set it), so the app cannot ask its host what a key opens";

describe("readAuthSettings", () => {
  it("defaults to the roles M2M.Operator and M2M.Reader, authentication off, no host to ask", () => {
    expect(readAuthSettings({})).toEqual({
      roles: { operator: "M2M.Operator", reader: "M2M.Reader" },
      authEnabled: false,
      self: { url: null, problem: NO_HOST },
    });
  });

  it("reads the configured roles, trimmed", () => {
    expect(readAuthSettings({ M2M_OPERATOR_ROLE: " Ops.Run ", M2M_READER_ROLE: "Ops.Read" }).roles).toEqual({
      operator: "Ops.Run",
      reader: "Ops.Read",
    });
  });

  it("takes the defaults for blank role settings", () => {
    expect(readAuthSettings({ M2M_OPERATOR_ROLE: " ", M2M_READER_ROLE: "" }).roles).toEqual({
      operator: "M2M.Operator",
      reader: "M2M.Reader",
    });
  });

  it("refuses role values with spaces, naming every one", () => {
    let thrown: unknown;
    try {
      readAuthSettings({ M2M_OPERATOR_ROLE: "M2M Operator", M2M_READER_ROLE: "Read\tOnly" });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect((thrown as ConfigurationError).problems).toEqual([
      'M2M_OPERATOR_ROLE: expected the app role value (no spaces) that lets a signed-in person renew and run jobs (default M2M.Operator); got "M2M Operator"',
      'M2M_READER_ROLE: expected the app role value (no spaces) that lets a signed-in person read the endpoints and the status page (default M2M.Reader); got "Read\\tOnly"',
    ]);
  });

  it.each([
    ["true", true],
    ["True", true],
    [" TRUE ", true],
    ["false", false],
    ["1", false],
    ["", false],
  ])("WEBSITE_AUTH_ENABLED=%j means authentication on: %s", (value, enabled) => {
    expect(readAuthSettings({ WEBSITE_AUTH_ENABLED: value }).authEnabled).toBe(enabled);
  });

  it.each([
    ["m2m-app.azurewebsites.net", "https://m2m-app.azurewebsites.net"],
    [" m2m-app.azurewebsites.net ", "https://m2m-app.azurewebsites.net"],
    ["m2m-app-staging.azurewebsites.net:443", "https://m2m-app-staging.azurewebsites.net"],
    ["localhost:7071", "http://localhost:7071"],
    ["127.0.0.1:50123", "http://127.0.0.1:50123"],
    ["[::1]:7071", "http://[::1]:7071"],
    ["10.0.0.4:7071", "https://10.0.0.4:7071"],
  ])("asks the host at WEBSITE_HOSTNAME=%j on %s (plain http only on loopback)", (hostname, url) => {
    expect(readAuthSettings({ WEBSITE_HOSTNAME: hostname }).self).toEqual({ url });
  });

  it.each([
    "app.example/path",
    "user:pw@app.example",
    "user@app.example",
    ":pw@app.example",
    "app.example?x=1",
    "app.example#x",
    "bad host",
  ])("has no host to ask for WEBSITE_HOSTNAME=%j", (hostname) => {
    expect(readAuthSettings({ WEBSITE_HOSTNAME: hostname }).self).toEqual({
      url: null,
      problem: `WEBSITE_HOSTNAME is ${JSON.stringify(hostname)}, not a host name (with an optional port), so the app cannot ask its host what a key opens`,
    });
  });

  it("has no host to ask for a blank WEBSITE_HOSTNAME", () => {
    expect(readAuthSettings({ WEBSITE_HOSTNAME: " " }).self).toEqual({ url: null, problem: NO_HOST });
  });
});
