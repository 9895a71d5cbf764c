"use client";

import { useMutation } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type ReactNode, createContext, use, useCallback, useEffect, useRef, useState } from "react";
import { useKeyboardWedge } from "~/lib/scanner/use-keyboard-wedge";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./scan-wedge.module.css";

type ScanHandler = (code: string) => void;

/** Lets a screen take hardware scans itself while it is open (the Scan screen shows the outcome in place). */
const ScanHandlerContext = createContext<(handler: ScanHandler | null) => void>(() => {});

export function useScanHandler(handler: ScanHandler): void {
  const register = use(ScanHandlerContext);
  const handlerRef = useRef(handler);
  useEffect(() => {
    handlerRef.current = handler;
  });
  useEffect(() => {
    register((code) => handlerRef.current(code));
    return () => register(null);
  }, [register]);
}

type Notice = { code: string; kind: "opening" | "failed"; path: string };

/**
 * Hardware scanners on every screen of the signed-in app (PRODUCT.md W1): a scan opens the
 * record's chat; a code that is unknown or shared by several records goes to the Scan screen,
 * which explains and offers the choices. A short notice says what is happening meanwhile.
 */
export function ScanWedge({ children }: { children: ReactNode }) {
  const t = useTranslations("scan.wedge");
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const override = useRef<ScanHandler | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const resolve = useMutation(trpc.entity.resolve.mutationOptions());

  useKeyboardWedge((code) => {
    if (override.current) {
      override.current(code);
      return;
    }
    setNotice({ code, kind: "opening", path: pathname });
    resolve.mutate(
      { code },
      {
        onSuccess: (result) => {
          const target = result.outcome === "opened" ? `/chats/${result.chat.id}` : `/scan?code=${encodeURIComponent(code)}`;
          // Scanning the chat already open changes no address, so nothing else would end the notice.
          if (target === pathname) setNotice(null);
          router.push(target);
        },
        onError: () => setNotice({ code, kind: "failed", path: pathname }),
      },
    );
  });

  const register = useCallback((handler: ScanHandler | null) => {
    override.current = handler;
  }, []);

  // A notice belongs to the screen it was shown on: leaving it (the chat opening) ends it.
  const shown = notice && notice.path === pathname ? notice : null;
  return (
    <ScanHandlerContext value={register}>
      {children}
      <div className={shown ? `${styles.notice} ${shown.kind === "failed" ? styles.failed : ""}` : "sr-only"} role="status">
        {shown ? (
          <>
            <span className={styles.text}>{t(shown.kind, { code: shown.code })}</span>
            {shown.kind === "failed" ? (
              <button type="button" className="button" onClick={() => setNotice(null)}>
                {t("dismiss")}
              </button>
            ) : null}
          </>
        ) : null}
      </div>
    </ScanHandlerContext>
  );
}
