/** A NUL, which PostgreSQL text cannot hold, or half of a UTF-16 surrogate pair, which no encoding can write. */
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * What makes a string unusable as input — no key, code or text in any
 * database holds it — or undefined when nothing does. Checked where strings
 * enter: a request's arguments and variables (server/text-input-plugin.ts),
 * and the keys decoded from global ids and cursors.
 */
export function unstorableText(text: string): string | undefined {
  const match = UNSTORABLE.exec(text);
  if (match === null) return undefined;
  return match[0] === '\u0000' ? 'contains a NUL character' : 'contains half of a UTF-16 surrogate pair';
}
