/**
 * For text that must reach us exactly as typed (codes, user names, URLs, CSV): a phone keyboard
 * would otherwise capitalise the first letter, "correct" a code into a word and underline it.
 * Spread first; a field that wants something else (capitals for codes) says so after.
 */
export const VERBATIM = { autoComplete: "off", autoCapitalize: "none", autoCorrect: "off", spellCheck: false } as const;
