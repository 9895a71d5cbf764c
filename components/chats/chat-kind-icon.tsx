import type { ChatSummary } from "~/lib/trpc/types";

const paths: Record<ChatSummary["kind"], string> = {
  company: "M3 21V8l9-5 9 5v13M8 21v-6h8v6M3 21h18",
  room: "M5 9h14M5 15h14M10 4 8 20M16 4l-2 16",
  direct: "M4 5h16v10H8l-4 4V5z",
  entity: "M4 7l8-4 8 4v10l-8 4-8-4V7zM4 7l8 4 8-4M12 11v10",
  system: "M12 3v3M12 18v3M3 12h3M18 12h3M6 6l2 2M16 16l2 2M6 18l2-2M16 8l2-2M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8z",
  sms: "M7 3h10v18H7zM11 18h2",
};

export function ChatKindIcon({ kind }: { kind: ChatSummary["kind"] }) {
  return (
    <svg viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <path d={paths[kind]} fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
