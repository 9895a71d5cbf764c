/**
 * One line of the SMS messaging log, and its CSV form: the admin screen downloads the CSV it
 * shows, scripts read the same entries as JSON (`GET /api/v1/sms/log`).
 */
export type SmsLogEntry = {
  id: string;
  at: Date;
  direction: "in" | "out";
  contact: { id: string; name: string; phone: string; phoneDisplay: string };
  body: string;
  segments: number;
  status: string;
  errorCode: string | null;
  errorMessage: string | null;
  automated: boolean;
  /** The staff member who sent it, or the script's token name. */
  sentBy: string | null;
  chatMessageId: string | null;
};

const CSV_COLUMNS = ["time", "direction", "contact", "phone", "text", "segments", "status", "error", "automated", "sent_by"] as const;

/**
 * One CSV field: quoted when needed, and a leading = + - @ neutralised so a spreadsheet never
 * runs it; a phone number in E.164 ("+48600100200") is no formula and stays as it is.
 */
export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^\+\d{1,15}$/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function smsLogCsv(entries: SmsLogEntry[]): string {
  const lines = entries.map((e) =>
    [
      e.at.toISOString(),
      e.direction,
      e.contact.name,
      e.contact.phone,
      e.body,
      String(e.segments),
      e.status,
      [e.errorCode, e.errorMessage].filter(Boolean).join(" "),
      e.automated ? "yes" : "no",
      e.sentBy ?? "",
    ]
      .map(csvField)
      .join(","),
  );
  return [CSV_COLUMNS.join(","), ...lines].join("\r\n") + "\r\n";
}
