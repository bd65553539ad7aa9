import type { GraphApplication, GraphKeyCredential, GraphPasswordCredential } from "./GraphApplications.js";

/** A parsed value, or what is wrong with the document (a sentence fragment naming the property). */
export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

type Fields = Record<string, unknown>;

/** Thrown inside the parser only, turned into `{ ok: false }` at its edge. */
class ShapeProblem extends Error {}

const isObject = (value: unknown): value is Fields =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${JSON.stringify(value.slice(0, 40))}`;
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/** The name of a property for messages: `keyCredentials[1].keyId`, or `id` at the top. */
const path = (label: string, name: string) => (label ? `${label}.${name}` : name);

function requireString(fields: Fields, name: string, label: string): string {
  const value = fields[name];
  if (typeof value === "string" && value !== "") return value;
  throw new ShapeProblem(
    `${path(label, name)} is ${value === undefined ? "missing" : describe(value)}, not a non-empty string`,
  );
}

function optionalString(fields: Fields, name: string, label: string): string | null {
  const value = fields[name];
  if (value === undefined || value === null) return null;
  if (typeof value === "string") return value;
  throw new ShapeProblem(`${path(label, name)} is ${describe(value)}, not a string or null`);
}

/** A date-time Graph writes ("2026-05-01T10:00:00Z"), or null; a string Date cannot read is refused. */
function optionalDate(fields: Fields, name: string, label: string): string | null {
  const value = optionalString(fields, name, label);
  if (value !== null && Number.isNaN(Date.parse(value))) {
    throw new ShapeProblem(`${path(label, name)} is ${describe(value)}, not a date-time`);
  }
  return value;
}

function list(fields: Fields, name: string): unknown[] {
  const value = fields[name];
  if (Array.isArray(value)) return value;
  throw new ShapeProblem(`${name} is ${value === undefined ? "missing" : describe(value)}, not an array`);
}

function object(value: unknown, label: string): Fields {
  if (isObject(value)) return value;
  throw new ShapeProblem(`${label} is ${describe(value)}, not an object`);
}

function keyCredential(value: unknown, label: string): GraphKeyCredential {
  const fields = object(value, label);
  return {
    keyId: requireString(fields, "keyId", label),
    customKeyIdentifier: optionalString(fields, "customKeyIdentifier", label),
    displayName: optionalString(fields, "displayName", label),
    startDateTime: optionalDate(fields, "startDateTime", label),
    endDateTime: optionalDate(fields, "endDateTime", label),
    type: requireString(fields, "type", label),
    usage: requireString(fields, "usage", label),
    key: optionalString(fields, "key", label),
  };
}

function passwordCredential(value: unknown, label: string): GraphPasswordCredential {
  const fields = object(value, label);
  return {
    keyId: requireString(fields, "keyId", label),
    displayName: optionalString(fields, "displayName", label),
    hint: optionalString(fields, "hint", label),
    startDateTime: optionalDate(fields, "startDateTime", label),
    endDateTime: optionalDate(fields, "endDateTime", label),
  };
}

function parse<T>(read: () => T): Parsed<T> {
  try {
    return { ok: true, value: read() };
  } catch (error) {
    // Stryker disable next-line ConditionalExpression: only ShapeProblem is thrown inside; no input reaches the rethrow, which keeps a bug from passing as a shape problem.
    if (error instanceof ShapeProblem) return { ok: false, problem: error.message };
    throw error;
  }
}

/**
 * Pure: the application object Graph answers `GET /applications/{id}?$select=id,appId,displayName,keyCredentials,
 * passwordCredentials` with, checked property by property — the ids are non-empty strings, both credential lists are
 * arrays of objects with a keyId, dates are dates or null — and copied without anything else (`@odata.context`).
 * A document that is not one (a proxy's JSON, another resource) is refused with the first property that is wrong.
 */
export function parseGraphApplication(value: unknown): Parsed<GraphApplication> {
  return parse(() => {
    const fields = object(value, "the document");
    return {
      id: requireString(fields, "id", ""),
      appId: requireString(fields, "appId", ""),
      displayName: optionalString(fields, "displayName", "") ?? "",
      keyCredentials: list(fields, "keyCredentials").map((k, i) => keyCredential(k, `keyCredentials[${i}]`)),
      passwordCredentials: list(fields, "passwordCredentials").map((p, i) =>
        passwordCredential(p, `passwordCredentials[${i}]`),
      ),
    };
  });
}

/** Pure: the keyCredential Graph answers addKey with, checked as {@link parseGraphApplication} checks each key. */
export function parseGraphKeyCredential(value: unknown): Parsed<GraphKeyCredential> {
  return parse(() => keyCredential(value, "the keyCredential"));
}
