"use client";

/** The one piece of the label sheet that needs the browser: its print dialog. */
export function PrintButton({ label }: { label: string }) {
  return (
    <button type="button" className="button button-primary" onClick={() => window.print()}>
      {label}
    </button>
  );
}
