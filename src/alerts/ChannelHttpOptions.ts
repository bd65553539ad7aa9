/** The part of `fetch` the channels use: tests pass a recording or failing one. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** How a channel talks HTTP. */
export interface ChannelHttpOptions {
  /** Default: the global fetch. */
  fetch?: FetchLike;
  /** Per request, answer and body included. Default DEFAULT_CHANNEL_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** Long enough for Power Automate's cold answers, short enough that an outage does not eat a run's deadline. */
export const DEFAULT_CHANNEL_TIMEOUT_MS = 10_000;
