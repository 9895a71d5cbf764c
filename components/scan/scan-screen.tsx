"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { useTRPC } from "~/lib/trpc/client";
import type { RecordRef, Resolution } from "~/lib/trpc/types";
import { CameraScanner } from "./camera-scanner";
import { ManualEntry } from "./manual-entry";
import { ScanOutcome } from "./scan-outcome";
import { useScanHandler } from "./scan-wedge";
import styles from "./scan-screen.module.css";

type Unresolved = Exclude<Resolution, { outcome: "opened" }>;
type Source = "camera" | "scanner" | "typed" | "link";

/**
 * The Scan tab (PRODUCT.md W1): camera, hardware scanner and typed codes all end here. One record
 * opens its chat; an unknown code or one shared by several records is explained in place, with
 * "Create record" for those allowed to.
 */
export function ScanScreen({ initialCode }: { initialCode: string | null }) {
  const t = useTranslations("scan");
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const resolve = useMutation(trpc.entity.resolve.mutationOptions());
  const open = useMutation(trpc.chat.openForEntity.mutationOptions());
  const create = useMutation(trpc.entity.create.mutationOptions());
  const [outcome, setOutcome] = useState<Unresolved | null>(null);
  const [leavingFor, setLeavingFor] = useState<string | null>(null);
  // The camera reports the same code many times a second; these keep one look-up per code.
  const isBusy = useRef(false);
  const shownCode = useRef<string | null>(null);

  function openChat(chatId: string, code: string) {
    setLeavingFor(code);
    // The chat's header, members and the signed-in person load while the route's code does,
    // instead of after the conversation first renders: the scan is on screen sooner.
    void queryClient.prefetchQuery(trpc.chat.get.queryOptions({ chatId }));
    void queryClient.prefetchQuery(trpc.chat.members.queryOptions({ chatId }));
    void queryClient.prefetchQuery(trpc.user.me.queryOptions());
    router.push(`/chats/${chatId}`);
  }

  function lookUp(code: string, source: Source) {
    if (isBusy.current) return;
    if (source === "camera" && code === shownCode.current) return;
    isBusy.current = true;
    shownCode.current = code;
    setOutcome(null);
    open.reset();
    create.reset();
    if (source === "camera") navigator.vibrate?.(40);
    resolve.mutate(
      { code },
      {
        onSuccess: (result) => {
          if (result.outcome === "opened") {
            // Stays busy: the chat is opening, later frames must not start another look-up.
            openChat(result.chat.id, code);
            return;
          }
          isBusy.current = false;
          setOutcome(result);
        },
        onError: () => {
          isBusy.current = false;
          // Let the camera try the same label again once the connection is back.
          shownCode.current = null;
        },
      },
    );
  }

  useScanHandler((code) => lookUp(code, "scanner"));

  // A code handed over in the address (a hardware scan on another screen that found no single
  // record): looked up once, then dropped from the address so Back does not repeat it.
  const handledInitial = useRef<string | null>(null);
  useEffect(() => {
    if (!initialCode || handledInitial.current === initialCode) return;
    handledInitial.current = initialCode;
    window.history.replaceState(null, "", "/scan");
    lookUp(initialCode, "link");
  });

  function dismiss() {
    setOutcome(null);
    shownCode.current = null;
  }

  function openRecord(record: RecordRef) {
    isBusy.current = true;
    open.mutate(
      { type: record.type, key: record.key },
      { onSuccess: (chat) => openChat(chat.id, record.key), onError: () => (isBusy.current = false) },
    );
  }

  function createRecord(input: { type: string; key: string; title: string }) {
    isBusy.current = true;
    create.mutate(input, { onSuccess: (made) => openChat(made.chat.id, input.key), onError: () => (isBusy.current = false) });
  }

  const error = resolve.error ?? open.error ?? create.error;
  const errorText = !error
    ? null
    : error.data?.code === "BAD_REQUEST"
      ? t("error.invalid")
      : error.data?.code === "FORBIDDEN"
        ? t("error.forbidden")
        : t("error.network");
  const status = leavingFor
    ? t("opening", { code: leavingFor })
    : resolve.isPending && resolve.variables
      ? t("looking", { code: resolve.variables.code })
      : "";

  return (
    <main className={`page ${styles.page}`}>
      <h1 className={styles.title}>{t("title")}</h1>
      <p className={styles.intro}>{t("intro")}</p>
      <div className={styles.layout}>
        <CameraScanner onCode={(code) => lookUp(code, "camera")} paused={leavingFor !== null} />
        <div className={styles.side}>
          <p className={status ? styles.status : "sr-only"} role="status">
            {status}
          </p>
          {errorText ? (
            <p className="form-error" role="alert">
              {errorText}
            </p>
          ) : null}
          <div aria-live="polite">
            {outcome ? (
              <ScanOutcome
                key={`${outcome.outcome}:${outcome.code}`}
                outcome={outcome}
                isBusy={open.isPending || create.isPending || leavingFor !== null}
                onOpen={openRecord}
                onCreate={createRecord}
                onDismiss={dismiss}
              />
            ) : null}
          </div>
          <ManualEntry onSubmit={(code) => lookUp(code, "typed")} isPending={resolve.isPending || leavingFor !== null} />
        </div>
      </div>
    </main>
  );
}
