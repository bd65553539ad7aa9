import { readArray, stringLiteral } from "./bicepSyntax.js";
import { evaluateBicep, type BicepScope, type BicepValue } from "./evaluateBicep.js";
import type { BicepFile, BicepParam } from "./readBicep.js";

/**
 * The scope a Bicep file's expressions evaluate in for one deployment: its parameters (the values given, else their
 * defaults), its variables, and whatever `external` knows (module outputs, resource properties, `tenant()`). A value
 * given for a parameter the file does not declare, a value its decorators refuse (@allowed, @minValue, @maxValue,
 * @minLength, @maxLength) or a required parameter left without a value is an error, as Azure Resource Manager makes it.
 */
export function bicepScope(
  file: BicepFile,
  values: Readonly<Record<string, BicepValue>>,
  external: BicepScope = () => undefined,
): BicepScope {
  for (const name of Object.keys(values)) {
    if (!file.params.has(name)) throw new Error(`no parameter ${name} to give a value to`);
  }
  const resolved = new Map<string, BicepValue>();
  const scope: BicepScope = (path) => {
    if (resolved.has(path)) return resolved.get(path);
    const param = file.params.get(path);
    const variable = file.vars.get(path);
    let value: BicepValue | undefined;
    if (param) {
      const given = values[path];
      if (given === undefined && param.defaultValue === null) {
        throw new Error(`parameter ${path} has no value and no default`);
      }
      value = given ?? evaluateBicep(param.defaultValue!, scope);
      checkDecorators(param, value);
    } else if (variable !== undefined) {
      value = evaluateBicep(variable, scope);
    } else {
      value = external(path);
    }
    if (value !== undefined) resolved.set(path, value);
    return value;
  };
  return scope;
}

function checkDecorators(param: BicepParam, value: BicepValue): void {
  const refuse = (why: string) => {
    throw new Error(`parameter ${param.name}: ${JSON.stringify(value)} ${why}`);
  };
  const expectedType = { string: "string", int: "number", bool: "boolean", object: "object" }[param.type];
  if (expectedType !== undefined && typeof value !== expectedType) refuse(`is not a ${param.type}`);
  const allowed = param.decorators.get("allowed");
  if (allowed !== undefined) {
    const options = readArray(allowed).map((item) => stringLiteral(item) ?? Number(item));
    if (!options.includes(value as string | number)) refuse(`is not one of ${JSON.stringify(options)}`);
  }
  const bound = (name: string) => {
    const raw = param.decorators.get(name);
    return raw === undefined ? undefined : Number(raw);
  };
  const length = typeof value === "string" ? value.length : undefined;
  const [minValue, maxValue, minLength, maxLength] = ["minValue", "maxValue", "minLength", "maxLength"].map(
    bound,
  );
  if (minValue !== undefined && (value as number) < minValue) refuse(`is below @minValue(${minValue})`);
  if (maxValue !== undefined && (value as number) > maxValue) refuse(`is above @maxValue(${maxValue})`);
  if (minLength !== undefined && length !== undefined && length < minLength)
    refuse(`is shorter than ${minLength}`);
  if (maxLength !== undefined && length !== undefined && length > maxLength)
    refuse(`is longer than ${maxLength}`);
}
