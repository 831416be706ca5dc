/**
 * Deep copy of JSON-like data (strings, arrays, plain objects) with every string passed through
 * `fn`. Masking and secret scrubbing both rewrite a run's data this way; `keys` also rewrites
 * object keys (a secret can be a key, a patient's name is never one).
 */
export function mapStrings<T>(value: T, fn: (s: string) => string, opts: { keys?: boolean } = {}): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fn(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v !== null && typeof v === 'object') {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) o[opts.keys ? fn(k) : k] = walk(x);
      return o;
    }
    return v;
  };
  return walk(value) as T;
}
