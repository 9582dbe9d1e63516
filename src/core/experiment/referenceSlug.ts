/**
 * The reference's `slugify` (the folder of a topic's `query_updates.pt`): every character that Python's
 * `str.isalnum` accepts (letters and numbers of any script) or one of `-_.` is kept, any other becomes `_`;
 * leading and trailing `_` are stripped, and the first 128 characters (code points) are kept.
 */
export function referenceSlug(text: string, maxLength = 128): string {
  const kept = Array.from(text, (c) => (/^[\p{L}\p{N}\-_.]$/u.test(c) ? c : '_')).join('');
  return Array.from(kept.replace(/^_+|_+$/g, ''))
    .slice(0, maxLength)
    .join('');
}
