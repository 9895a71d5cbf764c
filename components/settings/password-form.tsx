"use client";

import { useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { type FormEvent, useId, useRef, useState } from "react";
import { PasswordField } from "~/components/ui/password-field";
import { PASSWORD_MIN_LENGTH } from "~/contracts/limits";
import { authPost } from "~/lib/auth-client";
import { useTRPC } from "~/lib/trpc/client";
import styles from "./password-form.module.css";

type Problem = "wrongCurrent" | "tooShort" | "tooMany" | "failed";

function problemFor(code: string | undefined, status: number): Problem {
  if (code === "INVALID_PASSWORD") return "wrongCurrent";
  if (code === "PASSWORD_TOO_SHORT") return "tooShort";
  if (status === 429) return "tooMany";
  return "failed";
}

/**
 * My password (the only account detail a person changes themselves; names are an admin's). A
 * change signs out every other device, so a password someone else learned stops working there too.
 */
export function PasswordForm() {
  const t = useTranslations("me.password");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [isChanged, setChanged] = useState(false);
  const [isPending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const [currentPassword, newPassword] = ["currentPassword", "newPassword"].map((name) => {
      const value = form.get(name);
      return typeof value === "string" ? value : "";
    }) as [string, string];
    setChanged(false);
    if (newPassword.length < PASSWORD_MIN_LENGTH) {
      setProblem("tooShort");
      return;
    }
    setPending(true);
    setProblem(null);
    try {
      const result = await authPost("/change-password", { currentPassword, newPassword, revokeOtherSessions: true });
      if (result.error) {
        setProblem(problemFor(result.error.code, result.error.status));
      } else {
        formRef.current?.reset();
        setChanged(true);
        void queryClient.invalidateQueries({ queryKey: trpc.user.me.queryKey() });
        // The admins' demo-password banner is rendered by the server layout: render it again.
        router.refresh();
      }
    } catch {
      setProblem("failed");
    }
    setPending(false);
  }

  return (
    <form ref={formRef} className="stack" onSubmit={(event) => void onSubmit(event)} onInput={() => setChanged(false)}>
      <p className={styles.hint}>{t("hint")}</p>
      <PasswordField label={t("current")} name="currentPassword" autoComplete="current-password" invalid={problem === "wrongCurrent"} />
      <PasswordField label={t("new")} name="newPassword" autoComplete="new-password" invalid={problem === "tooShort"} describedBy={`${id}-rule`}>
        <span id={`${id}-rule`} className={styles.rule}>
          {t("rule", { min: PASSWORD_MIN_LENGTH })}
        </span>
      </PasswordField>
      <div role="alert" className="form-error" hidden={!problem}>
        {problem ? t(`error.${problem}`, { min: PASSWORD_MIN_LENGTH }) : null}
      </div>
      <div role="status" className={styles.feedback}>
        {isChanged ? <span className={styles.changed}>{t("changed")}</span> : null}
      </div>
      <button type="submit" className="button button-primary" disabled={isPending}>
        {isPending ? t("saving") : t("save")}
      </button>
    </form>
  );
}
