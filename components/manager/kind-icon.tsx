import type { ChatSummary } from "~/lib/trpc/types";

const paths: Record<ChatSummary["kind"], string> = {
  company: "M4 21V5l8-3v19M12 9h8v12M3 21h18M7 8h2M7 12h2M7 16h2M15 13h2M15 17h2",
  room: "M5 9h14M5 15h14M10 4L8 20M16 4l-2 16",
  direct: "M4 5h16v10H8l-4 4V5z",
  entity: "M3 7l9-4 9 4v10l-9 4-9-4V7zM3 7l9 4 9-4M12 11v10",
  system: "M13 3L5 14h6l-1 7 8-11h-6l1-7z",
  sms: "M7 3h10v18H7zM11 18h2",
};

/** The kind's word stands beside the icon, so the icon is decoration. */
export function KindIcon({ kind }: { kind: ChatSummary["kind"] }) {
  return (
    <svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
      <path d={paths[kind]} fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
