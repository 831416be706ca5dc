/**
 * A copy of `s` that shares no storage with the text it was cut from.
 *
 * V8 makes a substring of 13 or more characters a "sliced string" that points into its parent,
 * and a sliced string kept alive keeps the whole parent alive. A memo keyed by attribute values
 * cut from documents would otherwise hold every document it saw (≈ 35 KB each): the heap grows
 * by hundreds of documents, every scavenge copies them, and the validator spent a fifth of its
 * time in the garbage collector. Shorter strings are copied by V8 already.
 *
 * Concatenation makes a cons string; slicing it flattens it into a fresh sequential string
 * first, and the slice points into that fresh one (one character larger than `s`).
 */
export function detached(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
