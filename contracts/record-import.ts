/**
 * What a records CSV import can find wrong, as codes the server reports and the admin screen
 * translates (components/admin/import-screen.tsx). A code the screen does not know shows the
 * server's own message.
 */

/** Problems of one row: the row is skipped, the others are imported. */
export const ROW_PROBLEM_CODES = [
  "badType",
  "missingKey",
  "keyTooLong",
  "missingTitle",
  "titleTooLong",
  "statusTooLong",
  "badUrl",
  "fieldsTooLong",
  "duplicate",
  "columnCount",
  "badQuotes",
] as const;
export type RowProblemCode = (typeof ROW_PROBLEM_CODES)[number];

/** Problems of the whole file: nothing is imported. */
export const FILE_PROBLEM_CODES = ["empty", "tooLarge", "tooManyRows", "missingColumns", "duplicateColumn", "unnamedColumn", "longColumnName"] as const;
export type FileProblemCode = (typeof FILE_PROBLEM_CODES)[number];

export const isRowProblemCode = (code: string): code is RowProblemCode => (ROW_PROBLEM_CODES as readonly string[]).includes(code);
