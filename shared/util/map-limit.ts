/**
 * Bounded concurrency, written once: run an async function over a list with
 * at most `limit` calls in flight, results in input order. (The runner's
 * fan-out fallback, the live reader's peer lookups and grading use it.)
 */

/** Runs `fn` over `items` with at most `limit` at a time (at least one); results in input order. A rejection rejects the whole call. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
