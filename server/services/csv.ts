/**
 * Reading an admin's CSV upload (records, SMS contacts): size and row limits, the byte-order
 * mark spreadsheets write, the delimiter a Polish spreadsheet uses, and each row's line in the
 * file so problems can point at it. Checking the columns is the importer's.
 */
import Papa from "papaparse";

/** A problem with a code and parameters for the screen's own language, and an English message. */
export type Problem<C extends string> = { code: C; params: Record<string, string | number>; message: string };

export const problem = <C extends string>(code: C, message: string, params: Record<string, string | number> = {}): Problem<C> => ({ code, params, message });

export type CsvRow = { cells: string[]; line: number; badQuotes: boolean };

/** Line numbers of offsets in `text`, counting from 1. */
function lineCounter(text: string) {
  const starts = [0];
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return (offset: number) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return low + 1;
  };
}

/** The file's rows (the header first), or why the file as a whole cannot be read. */
export function readCsv(input: string, limits: { maxBytes: number; maxRows: number }): { rows: CsvRow[] } | { file: Problem<"tooLarge" | "tooManyRows"> } {
  if (Buffer.byteLength(input, "utf8") > limits.maxBytes) {
    const max = `${Math.round(limits.maxBytes / 1024 / 1024)} MB`;
    return { file: problem("tooLarge", `The file is larger than ${max}`, { max }) };
  }
  // Spreadsheets often save a byte-order mark in front of the header.
  const text = input.replace(/^\uFEFF/, "");
  const lineOf = lineCounter(text);
  const rows: CsvRow[] = [];
  let cursor = 0;
  let tooMany = false;
  Papa.parse<string[]>(text, {
    skipEmptyLines: "greedy",
    // Spreadsheets set to Polish (and other decimal-comma locales) save with semicolons.
    delimitersToGuess: [",", ";", "\t"],
    step: (result, parser) => {
      // A row starts where the previous one ended, after any blank lines.
      let start = cursor;
      while (text[start] === "\n" || text[start] === "\r") start++;
      cursor = result.meta.cursor;
      if (rows.length > limits.maxRows) {
        tooMany = true;
        parser.abort();
        return;
      }
      rows.push({ cells: result.data, line: lineOf(start), badQuotes: result.errors.some((e) => e.type === "Quotes") });
    },
  });
  if (tooMany) return { file: problem("tooManyRows", `At most ${limits.maxRows} rows in one import`, { max: limits.maxRows }) };
  return { rows };
}
