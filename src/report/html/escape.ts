/** HTML escaping: the only way text from a record or evidence file reaches the page. */

/** Escape for element content and quoted attribute values alike. */
export function esc(s: string | number | undefined | null): string {
  if (s === undefined || s === null) return '';
  // C0 controls (except tab/newline) would be shown as garbage or trip XML-minded viewers
  return String(s)
    .replace(/[&<>"'`]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c]!)
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** A token usable as an element id / anchor (case ids are [A-Za-z0-9._-], but never trust). */
export function anchor(s: string): string {
  return `c-${s.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}
