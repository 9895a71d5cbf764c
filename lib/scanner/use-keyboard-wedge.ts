"use client";

import { useEffect, useRef } from "react";
import { WedgeDetector } from "./wedge";

/** Input types a person types text into; a scanner burst there is that field's business. */
const NON_TEXT_INPUTS = new Set(["button", "checkbox", "color", "file", "image", "radio", "range", "reset", "submit"]);

function isTextEntry(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !NON_TEXT_INPUTS.has(target.type);
}

/**
 * Calls `onScan` with the code when a hardware scanner "types" one (see wedge.ts) while the
 * focus is outside any text field. Typing into fields is never touched, and keys at a person's
 * pace pass through as they are. The Enter that ends a scan is swallowed, so it cannot also
 * press a focused button or link.
 */
export function useKeyboardWedge(onScan: (code: string) => void): void {
  const onScanRef = useRef(onScan);
  useEffect(() => {
    onScanRef.current = onScan;
  });
  useEffect(() => {
    const detector = new WedgeDetector();
    function onKeyDown(event: KeyboardEvent) {
      if (event.isComposing || isTextEntry(event.target)) {
        detector.reset();
        return;
      }
      const code = detector.push(event);
      if (code) {
        event.preventDefault();
        event.stopPropagation();
        onScanRef.current(code);
      }
    }
    // Capture phase: ahead of any handler that would act on the Enter.
    window.addEventListener("keydown", onKeyDown, { capture: true });
    return () => window.removeEventListener("keydown", onKeyDown, { capture: true });
  }, []);
}
