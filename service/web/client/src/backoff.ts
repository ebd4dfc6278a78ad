// When to try again after a failure the client can retry.

/** Backoff settings; every field has a default. */
export interface BackoffOptions {
  /** The first delay's ceiling. Default: 500 ms. */
  baseMs: number;
  /** The greatest delay's ceiling. Default: 60 s. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 60_000 };

/**
 * The delay before retry number `attempt` (0 for the first retry): an
 * exponential ceiling with "equal jitter" (between half the ceiling and
 * the ceiling), so that many clients failing together do not retry
 * together and none retries at once. A server's Retry-After is a floor:
 * the client waits that long, plus up to half the ceiling of jitter.
 */
export function backoffDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  random: () => number,
  opts: BackoffOptions = DEFAULT_BACKOFF,
): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, attempt));
  const jitter = (random() * ceiling) / 2;
  if (retryAfterMs !== undefined) return retryAfterMs + jitter;
  return ceiling / 2 + jitter;
}

/**
 * Reads a Retry-After header (seconds, or an HTTP date) as milliseconds
 * from now; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
