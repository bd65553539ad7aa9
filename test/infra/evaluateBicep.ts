import { createHash } from "node:crypto";
import { closingBracket, readArray, readObject, skipString } from "./bicepSyntax.js";

/** A value a Bicep expression evaluates to, as far as the infra tests need. */
export type BicepValue =
  string | number | boolean | readonly BicepValue[] | { readonly [key: string]: BicepValue };

/** Looks up a name or a dotted path (`keyVault.outputs.uri`, `tenant().tenantId`); undefined when unknown. */
export type BicepScope = (path: string) => BicepValue | undefined;

type Token = { kind: "string" | "number" | "name" | "punct" | "literal"; text: string };

const PUNCT = ["==", "!=", "&&", "||", "!", "?", ":", "(", ")", ",", "."];

/**
 * Evaluates a Bicep expression of the kinds the templates use in settings, parameters and conditions: literals,
 * strings with `${...}`, names and dotted paths looked up in `scope`, `!`, `==`, `!=`, `&&`, `||`, `?:`, parentheses,
 * the functions empty, string, toLower and uniqueString (a stable stand-in for Azure's hash), and object and array
 * literals (each value evaluated). A name the scope does not know, an operator on the wrong type or any other syntax
 * (an index `a[0]`, a lambda) is an error: a typo in a template fails its test.
 */
export function evaluateBicep(expression: string, scope: BicepScope): BicepValue {
  const tokens = tokenize(expression);
  let at = 0;
  const peek = () => tokens[at]?.text;
  const take = (text?: string): Token => {
    const token = tokens[at];
    if (token === undefined || (text !== undefined && token.text !== text)) {
      throw new Error(`expected ${text ?? "more"} in ${expression}`);
    }
    at += 1;
    return token;
  };
  const bool = (value: BicepValue, operator: string): boolean => {
    if (typeof value !== "boolean") throw new Error(`${operator} needs a bool, got ${JSON.stringify(value)}`);
    return value;
  };

  const ternary = (): BicepValue => {
    const condition = or();
    if (peek() !== "?") return condition;
    take("?");
    const whenTrue = ternary();
    take(":");
    const whenFalse = ternary();
    return bool(condition, "?:") ? whenTrue : whenFalse;
  };
  const or = (): BicepValue => {
    let value = and();
    while (peek() === "||") {
      take();
      const right = and();
      value = bool(value, "||") || bool(right, "||");
    }
    return value;
  };
  const and = (): BicepValue => {
    let value = equality();
    while (peek() === "&&") {
      take();
      const right = equality();
      value = bool(value, "&&") && bool(right, "&&");
    }
    return value;
  };
  const equality = (): BicepValue => {
    let value = unary();
    while (peek() === "==" || peek() === "!=") {
      const operator = take().text;
      const right = unary();
      value = operator === "==" ? value === right : value !== right;
    }
    return value;
  };
  const unary = (): BicepValue => {
    if (peek() === "!") {
      take();
      return !bool(unary(), "!");
    }
    return primary();
  };
  const primary = (): BicepValue => {
    const token = take();
    if (token.kind === "string") return interpolate(token.text, scope);
    if (token.kind === "number") return Number(token.text);
    if (token.kind === "literal") return evaluateLiteral(token.text, scope);
    if (token.text === "(") {
      const value = ternary();
      take(")");
      return value;
    }
    if (token.kind !== "name") throw new Error(`unexpected '${token.text}' in ${expression}`);
    if (token.text === "true" || token.text === "false") return token.text === "true";
    let path = token.text;
    if (peek() === "(") {
      take("(");
      const args: BicepValue[] = [];
      while (peek() !== ")") {
        if (args.length > 0) take(",");
        args.push(ternary());
      }
      take(")");
      const result = call(token.text, args);
      if (result !== undefined) return result;
      if (args.length > 0) throw new Error(`unknown function ${token.text}() in ${expression}`);
      path = `${token.text}()`;
    }
    while (peek() === ".") {
      take(".");
      const member = take();
      if (member.kind !== "name") throw new Error(`expected a property name after '.' in ${expression}`);
      path += `.${member.text}`;
    }
    const value = scope(path);
    if (value === undefined) throw new Error(`cannot resolve ${path} in ${expression}`);
    return value;
  };

  const value = ternary();
  if (at !== tokens.length) throw new Error(`unexpected '${peek()}' in ${expression}`);
  return value;
}

/** An object or array literal, each value evaluated in `scope`. */
function evaluateLiteral(text: string, scope: BicepScope): BicepValue {
  if (text.startsWith("[")) return readArray(text).map((item) => evaluateBicep(item, scope));
  const entries = [...readObject(text)].map(([key, value]) => [key, evaluateBicep(value, scope)]);
  return Object.fromEntries(entries) as Record<string, BicepValue>;
}

/** The built-in functions the templates use; undefined for any other name. */
function call(name: string, args: BicepValue[]): BicepValue | undefined {
  const [first] = args;
  switch (name) {
    case "empty":
      if (typeof first === "string" || Array.isArray(first)) return first.length === 0;
      return typeof first === "object" ? Object.keys(first).length === 0 : undefined;
    case "string":
      return first === undefined ? undefined : text(first);
    case "toLower":
      return typeof first === "string" ? first.toLowerCase() : undefined;
    case "uniqueString":
      // Azure's uniqueString is a 13-character base-32 hash of its arguments; any stable 13 characters do here.
      return createHash("sha256").update(args.map(text).join("|")).digest("hex").slice(0, 13);
    default:
      return undefined;
  }
}

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  while (at < expression.length) {
    const rest = expression.slice(at);
    const space = /^\s+/.exec(rest);
    if (space) {
      at += space[0].length;
      continue;
    }
    if (rest.startsWith("'")) {
      const end = skipString(expression, at);
      tokens.push({ kind: "string", text: expression.slice(at, end) });
      at = end;
      continue;
    }
    if (rest.startsWith("{") || rest.startsWith("[")) {
      const end = closingBracket(expression, at) + 1;
      tokens.push({ kind: "literal", text: expression.slice(at, end) });
      at = end;
      continue;
    }
    const number = /^\d+/.exec(rest);
    const name = /^[A-Za-z_]\w*/.exec(rest);
    const punct = PUNCT.find((text) => rest.startsWith(text));
    if (number) tokens.push({ kind: "number", text: number[0] });
    else if (name) tokens.push({ kind: "name", text: name[0] });
    else if (punct) tokens.push({ kind: "punct", text: punct });
    else throw new Error(`unsupported syntax at '${rest.slice(0, 20)}' in ${expression}`);
    at += (number ?? name)?.[0].length ?? punct!.length;
  }
  return tokens;
}

/** A string literal's value, each `${...}` evaluated in `scope`. */
function interpolate(literal: string, scope: BicepScope): string {
  if (literal.startsWith("'''")) return literal.slice(3, -3);
  let out = "";
  let at = 1;
  while (at < literal.length - 1) {
    const char = literal[at]!;
    if (char === "\\") {
      const next = literal[at + 1]!;
      out += ({ n: "\n", r: "\r", t: "\t" } as Record<string, string>)[next] ?? next;
      at += 2;
    } else if (char === "$" && literal[at + 1] === "{") {
      const close = closingBracket(literal, at + 1);
      out += text(evaluateBicep(literal.slice(at + 2, close), scope));
      at = close + 1;
    } else {
      out += char;
      at += 1;
    }
  }
  return out;
}

/** A scalar as Bicep's string() and interpolation write it; an object is refused (Bicep would write JSON). */
function text(value: BicepValue): string {
  if (typeof value === "object") throw new Error("an object where a string was expected");
  return String(value);
}
