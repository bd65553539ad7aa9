import { describe, expect, it } from "vitest";
import { diagnosticsNeed } from "../../src/auth/diagnosticsNeed.js";

const configured = {
  scope: "api://m2m-downstream/.default",
  jobScopes: ["api://m2m-downstream/.default", "https://graph.microsoft.com/.default"],
};

describe("diagnosticsNeed", () => {
  it.each([null, "", "api://m2m-downstream/.default", "https://graph.microsoft.com/.default"])(
    "is a read for the scope %j (none, the default, or a job's)",
    (scope) => {
      expect(diagnosticsNeed(scope, configured)).toEqual({ level: "read" });
    },
  );

  it("needs an operator for a scope the app was not configured with, and says so", () => {
    expect(diagnosticsNeed("api://other/.default", configured)).toEqual({
      level: "operate",
      reason: "a token for the scope 'api://other/.default', which is neither M2M_SCOPE nor a job's scope",
    });
  });

  it("compares scopes exactly", () => {
    expect(diagnosticsNeed("API://m2m-downstream/.default", configured).level).toBe("operate");
    expect(diagnosticsNeed("api://m2m-downstream/.default ", configured).level).toBe("operate");
  });

  it("is a read for M2M_SCOPE even when no job uses it", () => {
    expect(diagnosticsNeed("api://m2m-downstream/.default", { ...configured, jobScopes: [] })).toEqual({
      level: "read",
    });
  });

  it("needs an operator for any scope when no job names one", () => {
    expect(
      diagnosticsNeed("https://graph.microsoft.com/.default", { ...configured, jobScopes: [] }).level,
    ).toBe("operate");
  });

  it("shows at most 120 characters of a long scope", () => {
    const long = `api://${"x".repeat(200)}/.default`;
    expect(diagnosticsNeed(long, configured).reason).toBe(
      `a token for the scope '${long.slice(0, 120)}…', which is neither M2M_SCOPE nor a job's scope`,
    );
    const exact = `api://${"y".repeat(105)}/.default`;
    expect(exact).toHaveLength(120);
    expect(diagnosticsNeed(exact, configured).reason).toBe(
      `a token for the scope '${exact}', which is neither M2M_SCOPE nor a job's scope`,
    );
  });
});
