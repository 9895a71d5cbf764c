"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, useState } from "react";
import { useTRPC } from "~/lib/trpc/client";

/** Orders are keyed SO-<number>; the record type for other key patterns comes with scanning. */
const ORDER_KEY = /^SO-\d+$/i;

/** Type a record's code (a damaged label) and open its chat. */
export function ManualEntry() {
  const t = useTranslations("scan");
  const trpc = useTRPC();
  const router = useRouter();
  const [code, setCode] = useState("");
  const open = useMutation(trpc.chat.openForEntity.mutationOptions());
  const key = code.trim().toUpperCase();
  const isOrder = ORDER_KEY.test(key);

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!isOrder) return;
    open.mutate({ type: "order", key }, { onSuccess: (chat) => router.push(`/chats/${chat.id}`) });
  }

  return (
    <form className="stack" onSubmit={submit}>
      <label className="field">
        <span>{t("code")}</span>
        <input
          value={code}
          onChange={(e) => setCode(e.target.value)}
          autoCapitalize="characters"
          autoComplete="off"
          spellCheck={false}
          inputMode="text"
          placeholder="SO-10042"
          maxLength={100}
          aria-describedby="scan-hint"
        />
      </label>
      <p id="scan-hint" className="muted">
        {t("hint")}
      </p>
      {code.trim() && !isOrder ? (
        <p className="form-error" role="alert">
          {t("notAnOrder", { code: code.trim() })}
        </p>
      ) : null}
      {open.error ? (
        <p className="form-error" role="alert">
          {open.error.data?.code === "NOT_FOUND" ? t("unknown", { code: key }) : open.error.message}
        </p>
      ) : null}
      <button type="submit" className="button button-primary" disabled={!isOrder || open.isPending}>
        {open.isPending ? t("opening") : t("open")}
      </button>
    </form>
  );
}
