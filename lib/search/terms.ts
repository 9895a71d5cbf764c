/**
 * The words of a search (PRODUCT.md M8), shared by the server (to build the query) and the
 * snippet highlighter. Pure functions, no database.
 */

export const MAX_TERMS = 8;

/**
 * The user's words: letters and digits only (any script, so Polish letters stay), lowercased,
 * without duplicates. Everything else separates words, which also strips tsquery's operators
 * and quotes (& | ! : * ' ( ) < ->) before anything reaches the database.
 */
export function searchTerms(q: string): string[] {
  const words = q.normalize("NFC").toLocaleLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, MAX_TERMS);
}

/**
 * A tsquery (PostgreSQL's to_tsquery syntax) matching messages that contain every term as the
 * start of a word: "pall" finds "pallet". Terms hold only letters and digits, so quoting them
 * is safe; the string is still passed as a bound parameter. PostgreSQL's parser reads "SO-10250"
 * as "so" and the signed number "-10250", so a number also matches with the sign.
 */
export function prefixTsquery(terms: string[], operator: "&" | "|" = "&"): string {
  return terms.map((term) => (/^\p{N}+$/u.test(term) ? `('${term}':* | '-${term}':*)` : `'${term}':*`)).join(` ${operator} `);
}

export type SnippetPart = { text: string; isMatch: boolean };

const BEFORE = 40;
const LENGTH = 160;

/**
 * A short piece of `body` around its first match, split into parts so the matched word starts
 * can be shown as <mark> without ever treating the text as HTML.
 */
export function snippet(body: string, terms: string[]): SnippetPart[] {
  const text = body.replace(/\s+/g, " ").trim();
  const lower = text.toLocaleLowerCase();
  const matches: [number, number][] = [];
  // A match starts a word: at the beginning or after a character that is not a letter or digit.
  const word = /[\p{L}\p{N}]+/gu;
  for (let found = word.exec(lower); found; found = word.exec(lower)) {
    const longest = Math.max(0, ...terms.filter((term) => found[0].startsWith(term)).map((term) => term.length));
    if (longest > 0) matches.push([found.index, found.index + longest]);
  }
  const first = matches[0]?.[0] ?? 0;
  let start = Math.max(0, first - BEFORE);
  // Start on a word boundary when cutting, so the snippet does not open mid-word.
  if (start > 0) {
    const space = text.indexOf(" ", start);
    if (space !== -1 && space < first) start = space + 1;
  }
  const end = Math.min(text.length, start + LENGTH);
  const parts: SnippetPart[] = [];
  let at = start;
  for (const [from, to] of matches) {
    if (to <= start || from >= end) continue;
    if (from > at) parts.push({ text: text.slice(at, from), isMatch: false });
    parts.push({ text: text.slice(Math.max(from, at), Math.min(to, end)), isMatch: true });
    at = Math.min(to, end);
  }
  if (at < end) parts.push({ text: text.slice(at, end), isMatch: false });
  if (start > 0) parts.unshift({ text: "…", isMatch: false });
  if (end < text.length) parts.push({ text: "…", isMatch: false });
  return parts;
}
