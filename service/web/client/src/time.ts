// RFC 3339 instants at the server's precision. JavaScript's Date keeps
// milliseconds, but the server keeps nanoseconds and breaks ties on them,
// so instants are compared as (whole seconds, nanoseconds).

const RFC3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/i;

/** An instant: whole seconds since the epoch and nanoseconds within. */
export interface Instant {
  seconds: number;
  nanos: number;
}

/** Parses an RFC 3339 timestamp; throws on anything else. */
export function parseInstant(s: string): Instant {
  const m = RFC3339.exec(s);
  if (!m) throw new TypeError(`not an RFC 3339 timestamp: ${JSON.stringify(s)}`);
  const ms = Date.parse(`${m[1]}${m[3]!.toUpperCase()}`);
  if (Number.isNaN(ms)) throw new TypeError(`not a valid time: ${JSON.stringify(s)}`);
  return { seconds: ms / 1000, nanos: Number((m[2] ?? "").padEnd(9, "0")) };
}

/** Orders two timestamps: negative, zero or positive. */
export function compareTime(a: string, b: string): number {
  const x = parseInstant(a);
  const y = parseInstant(b);
  return x.seconds - y.seconds || x.nanos - y.nanos;
}

/** The server's form of a timestamp: UTC, trailing zeros of the fraction trimmed. */
export function canonicalTime(s: string): string {
  const { seconds, nanos } = parseInstant(s);
  const base = new Date(seconds * 1000).toISOString().slice(0, 19);
  const fraction = nanos === 0 ? "" : "." + String(nanos).padStart(9, "0").replace(/0+$/, "");
  return `${base}${fraction}Z`;
}
