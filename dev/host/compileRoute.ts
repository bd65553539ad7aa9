// Route templates as the Functions host reads them (ASP.NET Core routing): literal segments match case-insensitively;
// `{name}` captures a segment; `{name?}` and `{name=default}` may be left off at the end; `{*rest}` / `{**rest}`
// captures the rest of the path; `{id:int}`, `{id:min(1)}`, `{code:regex(^[a-z]+$)}` constrain a parameter; several
// parameters and literals can share a segment (`{file}.{ext}`).

export interface CompiledRoute {
  readonly template: string;
  /** Compare with `compareRoutes`: the more specific route (literal before parameter before catch-all) first. */
  readonly precedence: readonly number[];
  /** The route parameters when `path` (percent-encoded, without the route prefix and slashes at either end) matches. */
  match(path: string): Record<string, string> | undefined;
  /** The path for these parameters (percent-encoded, without a leading slash). */
  format(params?: Readonly<Record<string, string>>): string;
}

interface Literal {
  readonly kind: "literal";
  readonly text: string;
}
interface Parameter {
  readonly kind: "parameter";
  readonly name: string;
  readonly catchAll: boolean;
  readonly optional: boolean;
  readonly defaultValue: string | undefined;
  readonly constraints: readonly { readonly text: string; readonly test: (value: string) => boolean }[];
}
type Part = Literal | Parameter;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** Splits at `separator` outside parentheses (constraint arguments may contain it). */
function splitOutsideParentheses(text: string, separator: string): string[] {
  const pieces: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "(") depth++;
    else if (c === ")") depth = Math.max(0, depth - 1);
    else if (c === separator && depth === 0) {
      pieces.push(text.slice(start, i));
      start = i + 1;
    }
  }
  pieces.push(text.slice(start));
  return pieces;
}

const int64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };
const asBigInt = (value: string): bigint | undefined => (/^-?\d+$/.test(value) ? BigInt(value) : undefined);
const isNumber = (value: string) => value.trim() !== "" && Number.isFinite(Number(value));

function compileConstraint(template: string, text: string): (value: string) => boolean {
  const call = /^([a-z]+)(?:\((.*)\))?$/is.exec(text);
  const name = call?.[1]?.toLowerCase();
  const args = call?.[2] === undefined ? [] : splitOutsideParentheses(call[2], ",").map((a) => a.trim());
  const numberArg = (at: number): number => {
    const value = Number(args[at]);
    if (!Number.isFinite(value)) throw new Error(`Route "${template}": constraint "${text}" needs a number.`);
    return value;
  };
  switch (name) {
    case "int":
      return (v) => /^-?\d+$/.test(v) && Math.abs(Number(v)) <= 2 ** 31 && Number(v) !== 2 ** 31;
    case "long":
      return (v) => {
        const n = asBigInt(v);
        return n !== undefined && n >= int64.min && n <= int64.max;
      };
    case "bool":
      return (v) => /^(true|false)$/i.test(v);
    case "guid":
      return (v) => /^[({]?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}[)}]?$/i.test(v);
    case "alpha":
      return (v) => /^[a-z]*$/i.test(v);
    case "double":
    case "float":
    case "decimal":
      return isNumber;
    case "datetime":
      return (v) => !Number.isNaN(Date.parse(v));
    case "required":
      return (v) => v !== "";
    case "minlength": {
      const min = numberArg(0);
      return (v) => v.length >= min;
    }
    case "maxlength": {
      const max = numberArg(0);
      return (v) => v.length <= max;
    }
    case "length": {
      const min = numberArg(0);
      const max = args.length > 1 ? numberArg(1) : min;
      return (v) => v.length >= min && v.length <= max;
    }
    case "min": {
      const min = numberArg(0);
      return (v) => asBigInt(v) !== undefined && Number(v) >= min;
    }
    case "max": {
      const max = numberArg(0);
      return (v) => asBigInt(v) !== undefined && Number(v) <= max;
    }
    case "range": {
      const [min, max] = [numberArg(0), numberArg(1)];
      return (v) => asBigInt(v) !== undefined && Number(v) >= min && Number(v) <= max;
    }
    case "regex": {
      const pattern = new RegExp(call?.[2] ?? "", "i");
      return (v) => pattern.test(v);
    }
    default:
      throw new Error(`Route "${template}": unknown constraint "${text}".`);
  }
}

function parseParameter(template: string, body: string): Parameter {
  let rest = body;
  const catchAll = /^\*{1,2}/.exec(rest)?.[0].length ?? 0;
  rest = rest.slice(catchAll);
  let optional = false;
  let defaultValue: string | undefined;
  const pieces = splitOutsideParentheses(rest, "=");
  if (pieces.length > 1) {
    defaultValue = pieces.slice(1).join("=");
    rest = pieces[0] ?? "";
  } else if (rest.endsWith("?")) {
    optional = true;
    rest = rest.slice(0, -1);
  }
  const [name = "", ...constraints] = splitOutsideParentheses(rest, ":");
  if (!/^[^{}/?*=:]+$/.test(name))
    throw new Error(`Route "${template}": "{${body}}" has no valid parameter name.`);
  return {
    kind: "parameter",
    name,
    catchAll: catchAll > 0,
    optional: optional || catchAll > 0 || defaultValue !== undefined,
    defaultValue,
    constraints: constraints.map((text) => ({ text, test: compileConstraint(template, text) })),
  };
}

function parseSegment(template: string, segment: string): Part[] {
  const parts: Part[] = [];
  let literal = "";
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i];
    if ((c === "{" || c === "}") && segment[i + 1] === c) {
      literal += c;
      i++;
    } else if (c === "{") {
      let depth = 0;
      let end = i + 1;
      for (; end < segment.length; end++) {
        const d = segment[end];
        if (d === "(") depth++;
        else if (d === ")") depth = Math.max(0, depth - 1);
        else if (d === "}" && depth === 0) break;
      }
      if (end >= segment.length) throw new Error(`Route "${template}": unclosed "{" in "${segment}".`);
      if (literal) parts.push({ kind: "literal", text: literal });
      literal = "";
      // Braces inside a parameter (a regex quantifier) are written doubled, as in ASP.NET Core.
      parts.push(
        parseParameter(
          template,
          segment
            .slice(i + 1, end)
            .replaceAll("{{", "{")
            .replaceAll("}}", "}"),
        ),
      );
      i = end;
    } else if (c === "}") {
      throw new Error(`Route "${template}": unmatched "}" in "${segment}".`);
    } else {
      literal += c;
    }
  }
  if (literal) parts.push({ kind: "literal", text: literal });
  return parts;
}

/** Compiles a route template; throws naming the template when it is not valid. */
export function compileRoute(template: string): CompiledRoute {
  const trimmed = template.replace(/^~?\/+|\/+$/g, "");
  const segments = trimmed === "" ? [] : trimmed.split("/").map((segment) => parseSegment(template, segment));
  const parameters: Parameter[] = [];
  const precedence: number[] = [];
  let pattern = "";
  segments.forEach((parts, index) => {
    const slash = index === 0 ? "" : "/";
    const only = parts.length === 1 ? parts[0] : undefined;
    const isLast = index === segments.length - 1;
    if (parts.length === 0) throw new Error(`Route "${template}": empty segment.`);
    for (const part of parts) {
      if (part.kind !== "parameter") continue;
      if (parameters.some((p) => p.name.toLowerCase() === part.name.toLowerCase())) {
        throw new Error(`Route "${template}": parameter "${part.name}" appears twice.`);
      }
      if (part.catchAll && !(isLast && only)) {
        throw new Error(
          `Route "${template}": the catch-all "{*${part.name}}" must be the whole last segment.`,
        );
      }
      parameters.push(part);
    }
    if (only?.kind === "literal") {
      precedence.push(1);
      pattern += slash + escapeRegExp(only.text);
    } else if (only?.kind === "parameter") {
      precedence.push(only.catchAll ? 5 : only.constraints.length > 0 ? 3 : 4);
      const capture = only.catchAll ? "(.*)" : "([^/]+)";
      pattern += only.optional ? `(?:${slash}${capture})?` : slash + capture;
    } else {
      precedence.push(2);
      pattern +=
        slash + parts.map((p) => (p.kind === "literal" ? escapeRegExp(p.text) : "([^/]+?)")).join("");
    }
  });
  const regex = new RegExp(`^${pattern}$`, "i");

  return {
    template: trimmed,
    precedence,
    match(path) {
      const found = regex.exec(path);
      if (!found) return undefined;
      const params: Record<string, string> = {};
      for (const [at, parameter] of parameters.entries()) {
        const raw = found[at + 1];
        let value: string | undefined;
        if (raw === undefined || raw === "") value = parameter.defaultValue;
        else {
          try {
            value = decodeURIComponent(raw);
          } catch {
            value = raw;
          }
        }
        if (value === undefined) continue;
        if (!parameter.constraints.every((c) => c.test(value))) return undefined;
        params[parameter.name] = value;
      }
      return params;
    },
    format(params = {}) {
      const lookup = (name: string) =>
        Object.entries(params).find(([key]) => key.toLowerCase() === name.toLowerCase())?.[1];
      const out: string[] = [];
      for (const parts of segments) {
        let segment = "";
        for (const part of parts) {
          if (part.kind === "literal") {
            segment += part.text;
            continue;
          }
          const value = lookup(part.name) ?? part.defaultValue;
          if (value === undefined) {
            if (part.optional) continue;
            throw new Error(`Route "${template}" needs the parameter "${part.name}".`);
          }
          segment += part.catchAll
            ? value.split("/").map(encodeURIComponent).join("/")
            : encodeURIComponent(value);
        }
        if (segment !== "") out.push(segment);
      }
      return out.join("/");
    },
  };
}

/** Orders routes as ASP.NET Core routing tries them: the more specific first. */
export function compareRoutes(a: CompiledRoute, b: CompiledRoute): number {
  const length = Math.max(a.precedence.length, b.precedence.length);
  for (let i = 0; i < length; i++) {
    const difference = (a.precedence[i] ?? 0) - (b.precedence[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}
