import type { GraphPort, GraphRead, GraphWrite } from "../../src/cli/tenant/GraphPort.js";

export const FAKE_GRAPH_ROOT = "https://graph.example.test";

/**
 * A GraphPort over fixed answers: `objects` by path (without the query; a missing path is Graph's 404, null) and
 * `collections` by path (a missing one is empty). Every call is recorded; writes answer `answer(write)` (default
 * null, a 204).
 */
export function fakeGraph(
  state: {
    objects?: Record<string, unknown>;
    collections?: Record<string, unknown[]>;
    answer?: (write: GraphWrite) => unknown;
  } = {},
) {
  const reads: string[] = [];
  const writes: GraphWrite[] = [];
  const pathOf = (read: GraphRead) => read.path.split("?")[0]!;
  const port: GraphPort = {
    get(read) {
      reads.push(read.path);
      return Promise.resolve(state.objects?.[pathOf(read)] ?? null);
    },
    list(read) {
      reads.push(read.path);
      return Promise.resolve(state.collections?.[pathOf(read)] ?? []);
    },
    send(write) {
      writes.push(write);
      return Promise.resolve(state.answer ? state.answer(write) : null);
    },
    urlOf: (path) => `${FAKE_GRAPH_ROOT}/v1.0${path}`,
  };
  return { port, reads, writes };
}
