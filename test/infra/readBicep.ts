import { closingBracket, skipString, stripComments } from "./bicepSyntax.js";

/** A `param` declaration: its type, raw default expression (null when it has none) and decorators. */
export interface BicepParam {
  name: string;
  type: string;
  defaultValue: string | null;
  /** Decorator name to the raw text between its parentheses ("" for `@secure()`). */
  decorators: ReadonlyMap<string, string>;
}

/** A `resource` (or `module`) declaration: its `if (...)` condition (raw, null when unconditional) and body. */
export interface BicepResource {
  symbol: string;
  /** `Microsoft.Web/sites`; for a module, the path of its file. */
  type: string;
  apiVersion: string | null;
  existing: boolean;
  condition: string | null;
  /** The raw object literal. */
  body: string;
}

/** The declarations of a Bicep file, each expression kept as its raw text. */
export interface BicepFile {
  targetScope: string | null;
  params: ReadonlyMap<string, BicepParam>;
  vars: ReadonlyMap<string, string>;
  resources: ReadonlyMap<string, BicepResource>;
  modules: ReadonlyMap<string, BicepResource>;
  outputs: ReadonlyMap<string, { type: string; value: string }>;
}

const PARAM = /^param\s+(\w+)\s+(\w+(?:\[\])?)(?:\s*=\s*([\s\S]+))?$/;
const VAR = /^var\s+(\w+)\s*=\s*([\s\S]+)$/;
const RESOURCE = /^resource\s+(\w+)\s+'([\w./-]+)@([\w-]+)'\s+(existing\s+)?=\s*([\s\S]+)$/;
const MODULE = /^module\s+(\w+)\s+'([\w./-]+\.bicep)'\s*=\s*([\s\S]+)$/;
const OUTPUT = /^output\s+(\w+)\s+(\w+)\s*=\s*([\s\S]+)$/;
const TARGET_SCOPE = /^targetScope\s*=\s*'(\w+)'$/;
const DECORATOR = /^@(\w+)/;

/**
 * Reads a Bicep file's top-level declarations (targetScope, param, var, resource, module, output) with their
 * decorators. Strict: a statement it does not know (type, func, import, loops), an unbalanced bracket, an unterminated
 * string, a duplicate name or a decorator on nothing is an error, never skipped.
 */
export function readBicep(text: string): BicepFile {
  const code = stripComments(text);
  const file = {
    targetScope: null as string | null,
    params: new Map<string, BicepParam>(),
    vars: new Map<string, string>(),
    resources: new Map<string, BicepResource>(),
    modules: new Map<string, BicepResource>(),
    outputs: new Map<string, { type: string; value: string }>(),
  };
  const declared = new Set<string>();
  const declare = (name: string) => {
    if (declared.has(name)) throw new Error(`${name} is declared twice`);
    declared.add(name);
  };
  let decorators = new Map<string, string>();
  let at = 0;
  while (at < code.length) {
    if (/\s/.test(code[at]!)) {
      at += 1;
      continue;
    }
    const end = statementEnd(code, at);
    const statement = code.slice(at, end).trim();
    at = end;
    const decorator = DECORATOR.exec(statement);
    if (decorator) {
      const name = decorator[1]!;
      const rest = statement.slice(decorator[0].length);
      if (decorators.has(name)) throw new Error(`@${name} twice on one declaration`);
      if (rest === "") decorators.set(name, "");
      else if (rest.startsWith("(") && closingBracket(rest, 0) === rest.length - 1) {
        decorators.set(name, rest.slice(1, -1).trim());
      } else throw new Error(`unreadable decorator: ${statement.slice(0, 60)}`);
      continue;
    }
    let match: RegExpExecArray | null;
    if ((match = PARAM.exec(statement))) {
      declare(match[1]!);
      file.params.set(match[1]!, {
        name: match[1]!,
        type: match[2]!,
        defaultValue: match[3]?.trim() ?? null,
        decorators,
      });
    } else if ((match = VAR.exec(statement))) {
      declare(match[1]!);
      file.vars.set(match[1]!, match[2]!.trim());
    } else if ((match = RESOURCE.exec(statement))) {
      declare(match[1]!);
      file.resources.set(match[1]!, {
        symbol: match[1]!,
        type: match[2]!,
        apiVersion: match[3]!,
        existing: match[4] !== undefined,
        ...conditionAndBody(match[5]!, match[1]!),
      });
    } else if ((match = MODULE.exec(statement))) {
      declare(match[1]!);
      file.modules.set(match[1]!, {
        symbol: match[1]!,
        type: match[2]!,
        apiVersion: null,
        existing: false,
        ...conditionAndBody(match[3]!, match[1]!),
      });
    } else if ((match = OUTPUT.exec(statement))) {
      if (file.outputs.has(match[1]!)) throw new Error(`output ${match[1]!} is declared twice`);
      file.outputs.set(match[1]!, { type: match[2]!, value: match[3]!.trim() });
    } else if ((match = TARGET_SCOPE.exec(statement))) {
      file.targetScope = match[1]!;
    } else {
      throw new Error(`unsupported statement: ${statement.slice(0, 80)}`);
    }
    if (decorators.size > 0 && !PARAM.test(statement)) {
      // Descriptions may decorate anything; the tests read decorators of parameters only.
      const kept = [...decorators.keys()].filter((name) => name !== "description");
      if (kept.length > 0) throw new Error(`@${kept.join(", @")} on a declaration that is not a param`);
    }
    decorators = new Map();
  }
  if (decorators.size > 0) throw new Error("decorators at the end of the file, on nothing");
  return file;
}

/** The end of the statement starting at `start`: the end of its line, past any bracket or string that spans lines. */
function statementEnd(code: string, start: number): number {
  let at = start;
  while (at < code.length && code[at] !== "\n") {
    const char = code[at]!;
    if (char === "'") at = skipString(code, at);
    else if (char === "{" || char === "[" || char === "(") at = closingBracket(code, at) + 1;
    else at += 1;
  }
  return at;
}

function conditionAndBody(rest: string, symbol: string): { condition: string | null; body: string } {
  const text = rest.trim();
  if (text.startsWith("[")) throw new Error(`${symbol}: loops are not supported by the reader`);
  let condition: string | null = null;
  let body = text;
  if (/^if\s*\(/.test(text)) {
    const open = text.indexOf("(");
    const close = closingBracket(text, open);
    condition = text.slice(open + 1, close).trim();
    body = text.slice(close + 1).trim();
  }
  if (!body.startsWith("{") || closingBracket(body, 0) !== body.length - 1) {
    throw new Error(`${symbol}: expected an object body, got: ${body.slice(0, 60)}`);
  }
  return { condition, body };
}
