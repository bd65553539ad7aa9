import { GraphError } from "./GraphError.js";

/** The JSON body of a Graph request; Graph's 400 "Unable to read JSON request payload" when it is empty or not JSON. */
export function parseGraphJson(text: string): unknown {
  if (!text.trim()) throw GraphError.unreadableJson();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw GraphError.unreadableJson();
  }
}
