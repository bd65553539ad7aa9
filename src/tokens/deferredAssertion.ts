import { randomUUID } from "node:crypto";
import { AuthError, type ClientAssertionCallback } from "@azure/msal-node";

/** What stands in the request body until the token request is really sent: characters form encoding leaves alone. */
const PLACEHOLDER = /client_assertion=m2m\.deferred-assertion\.([0-9a-f-]{36})(?=&|$)/;

type Produce = (request: { clientId: string; tokenEndpoint: string }) => Promise<string>;
const producers = new Map<string, { produce: Produce; clientId: string }>();

/**
 * An assertion callback for MSAL that signs only when a token request is sent.
 *
 * MSAL Node asks for the client assertion on every `acquireTokenByClientCredential`, a cache hit included (it builds
 * the client configuration, assertion and all, before it looks in its cache: ClientApplication.getClientAssertion). An
 * assertion signed in Key Vault costs a Key Vault request, so the callback answers with a placeholder, and the token
 * path's network client — which sees only the requests MSAL really sends — puts the signed assertion in its place
 * ({@link resolveDeferredAssertion}): a warm run served from the cache costs no signature. One registration per
 * credential version, kept for the process.
 */
export function deferAssertion(produce: Produce): ClientAssertionCallback {
  const id = randomUUID();
  const entry = { produce, clientId: "" };
  producers.set(id, entry);
  return ({ clientId }) => {
    entry.clientId = clientId;
    return Promise.resolve(`m2m.deferred-assertion.${id}`);
  };
}

/**
 * The form body of a token request with a deferred assertion replaced by the signed one for `tokenEndpoint` (its
 * audience); any other body as it is. What producing the assertion throws (a Key Vault refusal, its timeout) comes as
 * a {@link DeferredAssertionFailure}.
 */
export async function resolveDeferredAssertion(body: string, tokenEndpoint: string): Promise<string> {
  const match = PLACEHOLDER.exec(body);
  if (!match) return body;
  const entry = producers.get(match[1]!);
  if (!entry) throw new Error("A deferred client assertion was sent by a client this process did not create");
  let assertion: string;
  try {
    assertion = await entry.produce({ clientId: entry.clientId, tokenEndpoint });
  } catch (error) {
    throw new DeferredAssertionFailure(error);
  }
  return body.replace(match[0], `client_assertion=${encodeURIComponent(assertion)}`);
}

/**
 * Why a deferred assertion could not be produced (Key Vault refused or did not answer), carried through MSAL: thrown
 * by the network client as an AuthError, which MSAL passes through unchanged (anything else it wraps as a network
 * error), and unwrapped by the token path ({@link unwrapAssertionFailure}).
 */
export class DeferredAssertionFailure extends AuthError {
  readonly failure: unknown;

  constructor(failure: unknown) {
    super("deferred_assertion_failure", "", "The client assertion could not be signed");
    // AuthError sets its own prototype; restore the subclass's so `instanceof` holds.
    Object.setPrototypeOf(this, new.target.prototype);
    this.name = "DeferredAssertionFailure";
    this.failure = failure;
  }
}

/** The failure a {@link DeferredAssertionFailure} carries; any other error as it is. */
export function unwrapAssertionFailure(error: unknown): unknown {
  return error instanceof DeferredAssertionFailure ? error.failure : error;
}
