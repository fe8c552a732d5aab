/** Lists in plain words, for the CLI and the app alike. */

/**
 * A list in words: every item when there are at most `max`, else the first
 * few and how many more (a 200-host lab's destroy is one line, not 200 names).
 */
export function listInWords(items: readonly string[], max = 12, more = 'more'): string {
  if (items.length <= max) return items.join(', ');
  const shown = Math.max(1, max - 2);
  return `${items.slice(0, shown).join(', ')} and ${items.length - shown} ${more}`;
}

/** At most `max` characters of `text`, with "…" when it was longer (a name or alias quoted in a message). */
export function clip(text: string, max = 64): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** A count and its noun, singular for one ("1 link", "2 links", "0 links"); `plural` where adding "s" is wrong. */
export function counted(n: number, noun: string, plural = `${noun}s`): string {
  return `${n} ${n === 1 ? noun : plural}`;
}
