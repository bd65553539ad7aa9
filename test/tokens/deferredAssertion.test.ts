import { describe, expect, it } from "vitest";
import {
  DeferredAssertionFailure,
  deferAssertion,
  resolveDeferredAssertion,
  unwrapAssertionFailure,
} from "../../src/tokens/deferredAssertion.js";

const ENDPOINT = "https://login.example/tenant/oauth2/v2.0/token";

describe("deferAssertion", () => {
  it("answers MSAL with a placeholder and produces nothing until a request body is resolved", async () => {
    const produced: unknown[] = [];
    const callback = deferAssertion((request) => {
      produced.push(request);
      return Promise.resolve("eyJhbGciOiJQUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl");
    });
    const placeholder = await callback({ clientId: "client-1", tokenEndpoint: ENDPOINT });
    await callback({ clientId: "client-1", tokenEndpoint: ENDPOINT });
    expect(placeholder).toMatch(/^m2m\.deferred-assertion\.[0-9a-f-]{36}$/);
    expect(produced).toEqual([]);

    const body = `client_id=client-1&scope=api%3A%2F%2Fx%2F.default&client_assertion=${placeholder}&grant_type=client_credentials`;
    expect(await resolveDeferredAssertion(body, ENDPOINT)).toBe(
      "client_id=client-1&scope=api%3A%2F%2Fx%2F.default&client_assertion=eyJhbGciOiJQUzI1NiJ9.eyJhdWQiOiJ4In0.c2lnbmF0dXJl&grant_type=client_credentials",
    );
    expect(produced).toEqual([{ clientId: "client-1", tokenEndpoint: ENDPOINT }]);
  });

  it("leaves a body without a deferred assertion as it is", async () => {
    const body = "client_id=c&client_secret=s&grant_type=client_credentials";
    expect(await resolveDeferredAssertion(body, ENDPOINT)).toBe(body);
  });

  it("carries a failure to produce the assertion through MSAL as an AuthError, and unwraps it", async () => {
    const refusal = new Error("Key Vault said no");
    const placeholder = await deferAssertion(() => Promise.reject(refusal))({ clientId: "c" });
    const thrown = await resolveDeferredAssertion(`client_assertion=${placeholder}`, ENDPOINT).catch(
      (e: unknown) => e,
    );
    expect(thrown).toBeInstanceOf(DeferredAssertionFailure);
    expect(unwrapAssertionFailure(thrown)).toBe(refusal);
    expect(unwrapAssertionFailure(refusal)).toBe(refusal);
  });

  it("refuses a placeholder no client of this process made", async () => {
    await expect(
      resolveDeferredAssertion(
        "client_assertion=m2m.deferred-assertion.00000000-0000-4000-8000-000000000000",
        ENDPOINT,
      ),
    ).rejects.toThrow("A deferred client assertion was sent by a client this process did not create");
  });
});
