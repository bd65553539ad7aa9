import { describe, expect, it } from "vitest";
import { decideAccess, type KeyLevel } from "../../src/auth/decideAccess.js";
import type { EndpointNeed } from "../../src/auth/EndpointNeed.js";
import type { Principal } from "../../src/auth/Principal.js";

const roles = { operator: "M2M.Operator", reader: "M2M.Reader" };
const read: EndpointNeed = { level: "read" };
const operate: EndpointNeed = { level: "operate" };
const person = (...personRoles: string[]): Principal => ({
  name: "ada@contoso.com",
  identityProvider: "aad",
  roles: personRoles,
});
const decide = (
  need: EndpointNeed,
  principal: Principal | null,
  key: KeyLevel,
  target = "POST /api/jobs/x/run",
) => decideAccess({ need, target, principal, key, roles });

const USERS_AND_GROUPS =
  "(Enterprise applications → the app's App Service Authentication registration → Users and groups).";

describe("decideAccess", () => {
  describe("who gets through", () => {
    it.each([
      [
        "read",
        read,
        person("M2M.Reader"),
        "absent",
        "signed in as 'ada@contoso.com' with the app role 'M2M.Reader'",
      ],
      [
        "read",
        read,
        person("Other", "M2M.Operator"),
        "absent",
        "signed in as 'ada@contoso.com' with the app role 'M2M.Operator'",
      ],
      [
        "operate",
        operate,
        person("M2M.Reader", "M2M.Operator"),
        "absent",
        "signed in as 'ada@contoso.com' with the app role 'M2M.Operator'",
      ],
      [
        "operate",
        operate,
        person("M2M.Operator"),
        "invalid",
        "signed in as 'ada@contoso.com' with the app role 'M2M.Operator'",
      ],
      ["read", read, null, "function", "a function key"],
      ["read", read, null, "admin", "the admin key"],
      ["operate", operate, null, "admin", "the admin key"],
      ["operate", operate, person("M2M.Reader"), "admin", "the admin key"],
      ["read", read, person(), "function", "a function key"],
    ] as const)("%s: %j with key %s gets through as %s", (_level, need, principal, key, by) => {
      expect(decide(need, principal, key)).toEqual({ granted: true, by });
    });

    it("names a principal without a name claim as such", () => {
      expect(decide(read, { name: null, identityProvider: "aad", roles: ["M2M.Reader"] }, "absent")).toEqual({
        granted: true,
        by: "signed in (no name claim) with the app role 'M2M.Reader'",
      });
    });

    it("matches role values exactly, as Entra ID issues them", () => {
      expect(decide(read, person("m2m.reader", "M2M.Reader "), "absent")).toMatchObject({ granted: false });
    });

    it("uses the configured role names", () => {
      const custom = { operator: "Ops", reader: "Viewers" };
      const decideCustom = (need: EndpointNeed, principal: Principal) =>
        decideAccess({ need, target: "GET /api/jobs", principal, key: "absent", roles: custom });
      expect(decideCustom(operate, person("Ops"))).toMatchObject({ granted: true });
      expect(decideCustom(read, person("Viewers"))).toMatchObject({ granted: true });
      expect(decideCustom(operate, person("M2M.Operator"))).toMatchObject({ granted: false });
    });
  });

  describe("401: no credential the app knows", () => {
    it("names what a read needs when nothing was presented", () => {
      expect(decide(read, null, "absent", "GET /api/jobs")).toEqual({
        granted: false,
        status: 401,
        code: "AUTH_CREDENTIAL_MISSING",
        message:
          "GET /api/jobs needs a function key or an Entra sign-in with the app role 'M2M.Reader' (or 'M2M.Operator'), " +
          "and the request carries neither. Send the key in the x-functions-key header (or ?code=), or sign in " +
          "through the app's App Service Authentication.",
      });
    });

    it("names what an operation needs when nothing was presented", () => {
      expect(decide(operate, null, "absent")).toEqual({
        granted: false,
        status: 401,
        code: "AUTH_CREDENTIAL_MISSING",
        message:
          "POST /api/jobs/x/run needs the admin key (the host's master key) or an Entra sign-in with the app role " +
          "'M2M.Operator', and the request carries neither. Send the key in the x-functions-key header (or ?code=), " +
          "or sign in through the app's App Service Authentication.",
      });
    });

    it("says the key is not the app's when the host does not know it", () => {
      expect(decide(read, null, "invalid", "GET /api/dashboard")).toEqual({
        granted: false,
        status: 401,
        code: "AUTH_KEY_INVALID",
        message:
          "GET /api/dashboard needs a function key or an Entra sign-in with the app role 'M2M.Reader' (or " +
          "'M2M.Operator'); the key presented is not a key of this function app. Check the key (Function app → App keys).",
      });
      expect(decide(operate, null, "invalid")).toMatchObject({ status: 401, code: "AUTH_KEY_INVALID" });
    });
  });

  describe("403: a known caller without the role or key level", () => {
    it("refuses a function key an operation, naming the admin key and the operator role", () => {
      expect(decide(operate, null, "function")).toEqual({
        granted: false,
        status: 403,
        code: "AUTH_FORBIDDEN",
        message:
          "POST /api/jobs/x/run needs the admin key (the host's master key) or an Entra sign-in with the app role " +
          "'M2M.Operator': a function key opens reads only. Use the admin key, or assign the app role 'M2M.Operator' " +
          `to the person or a group of theirs ${USERS_AND_GROUPS}`,
      });
    });

    it("refuses a reader an operation, naming the operator role", () => {
      expect(decide(operate, person("M2M.Reader"), "absent")).toEqual({
        granted: false,
        status: 403,
        code: "AUTH_FORBIDDEN",
        message:
          "POST /api/jobs/x/run needs the admin key (the host's master key) or an Entra sign-in with the app role " +
          "'M2M.Operator': signed in as 'ada@contoso.com' without the app role 'M2M.Operator'. Use the admin key, or " +
          `assign the app role 'M2M.Operator' to the person or a group of theirs ${USERS_AND_GROUPS}`,
      });
    });

    it("refuses a principal without a role a read, naming the reader role", () => {
      expect(decide(read, person("Other"), "absent", "GET /api/jobs")).toEqual({
        granted: false,
        status: 403,
        code: "AUTH_FORBIDDEN",
        message:
          "GET /api/jobs needs a function key or an Entra sign-in with the app role 'M2M.Reader' (or 'M2M.Operator'): " +
          "signed in as 'ada@contoso.com' without the app role 'M2M.Reader'. Present a function key, or assign the " +
          `app role 'M2M.Reader' to the person or a group of theirs ${USERS_AND_GROUPS}`,
      });
    });

    it("names both what the principal and what the key lack", () => {
      expect(decide(operate, person("M2M.Reader"), "function")).toMatchObject({
        status: 403,
        code: "AUTH_FORBIDDEN",
        message: expect.stringContaining(
          ": signed in as 'ada@contoso.com' without the app role 'M2M.Operator'; a function key opens reads only. ",
        ) as unknown,
      });
      expect(decide(read, person(), "invalid", "GET /api/jobs")).toMatchObject({
        status: 403,
        code: "AUTH_FORBIDDEN",
        message: expect.stringContaining(
          ": signed in as 'ada@contoso.com' without the app role 'M2M.Reader'; the key presented is not a key of this function app. ",
        ) as unknown,
      });
    });

    it("names a principal without a name claim as such", () => {
      expect(decide(operate, { name: null, identityProvider: null, roles: [] }, "absent")).toMatchObject({
        message: expect.stringContaining(
          ": signed in (no name claim) without the app role 'M2M.Operator'.",
        ) as unknown,
      });
    });

    it("says why a request needs an operator when the endpoint gives a reason", () => {
      const need: EndpointNeed = { level: "operate", reason: "a token for the scope 'api://other/.default'" };
      expect(
        decideAccess({ need, target: "GET /api/diagnostics/token", principal: null, key: "function", roles }),
      ).toMatchObject({
        status: 403,
        message: expect.stringMatching(
          /^GET \/api\/diagnostics\/token \(a token for the scope 'api:\/\/other\/\.default'\) needs the admin key /,
        ) as unknown,
      });
    });
  });
});
