import { formatLogLine } from "../../src/logging/formatLogLine.js";

/**
 * A line as the app's context logger writes it to an invocation (src/logging/formatLogLine.ts: the message, then its
 * properties as JSON), split back into the two, so a test can assert on a property. A line without properties has {}.
 */
export function splitLogLine(line: string): { message: string; properties: Record<string, unknown> } {
  for (let at = line.indexOf(" {"); at !== -1; at = line.indexOf(" {", at + 1)) {
    try {
      const properties = JSON.parse(line.slice(at + 1)) as Record<string, unknown>;
      const message = line.slice(0, at);
      if (formatLogLine(message, properties) === line) return { message, properties };
    } catch {
      // Not the JSON tail yet: a brace inside the message.
    }
  }
  return { message: line, properties: {} };
}
