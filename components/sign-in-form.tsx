"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, useRef, useState } from "react";
import { PasswordField } from "~/components/ui/password-field";
import { USERNAME_MAX_LENGTH } from "~/contracts/limits";
import { authPost } from "~/lib/auth-client";
import { claimDevice, keptFor } from "~/lib/pwa/device-owner";
import { VERBATIM } from "~/components/ui/verbatim";

type ErrorKey = "invalid" | "tooMany" | "network" | "failed";

/** Every refusal of the credentials reads the same: it must not tell whether the user name exists. */
function errorKey(status: number): ErrorKey {
  if (status === 429) return "tooMany";
  if (status === 0) return "network";
  if (status >= 500) return "failed";
  return "invalid";
}

function errorText(t: ReturnType<typeof useTranslations<"signIn">>, error: ErrorKey, retryAfter: number | null): string {
  if (error !== "tooMany" || retryAfter === null) return t(error);
  return retryAfter < 60 ? t("tooManySeconds", { seconds: retryAfter }) : t("tooManyMinutes", { minutes: Math.ceil(retryAfter / 60) });
}

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === "string" ? value : "";
}

export function SignInForm() {
  const t = useTranslations("signIn");
  const router = useRouter();
  const passwordRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<ErrorKey | null>(null);
  const [retryAfter, setRetryAfter] = useState<number | null>(null);
  const [isPending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setPending(true);
    setError(null);
    setRetryAfter(null);
    let status: number | null;
    let userId: string | null = null;
    try {
      const result = await authPost<{ user: { id: string } }>("/sign-in/username", {
        username: text(form, "username").trim(),
        password: text(form, "password"),
      });
      // A throttled name may have to wait up to 15 minutes: say how long, from Retry-After.
      if (result.error) setRetryAfter(Number(result.response.headers.get("retry-after")) || null);
      status = result.error ? result.error.status : null;
      userId = result.data?.user.id ?? null;
    } catch {
      status = 0;
    }
    if (status !== null) {
      setError(errorKey(status));
      setPending(false);
      passwordRef.current?.select();
      return;
    }
    // A shared device: the last person's kept data goes before the app shows anything. Should
    // forgetting fail, the app's own check (components/pwa/device-owner-gate.tsx) tries again.
    // After someone known, a full load leaves nothing of theirs in this page's memory either (an
    // unknown keeper ran no app page here: the app claims the device as it starts).
    const previous = keptFor();
    if (userId !== null) await claimDevice(userId).catch(() => false);
    if (previous !== null && previous !== userId) {
      window.location.replace("/chats");
      return;
    }
    router.replace("/chats");
    router.refresh();
  }

  return (
    <form className="stack" onSubmit={(event) => void onSubmit(event)} noValidate={false}>
      <label className="field">
        <span>{t("username")}</span>
        <input
          name="username"
          {...VERBATIM}
          autoComplete="username"
          required
          maxLength={USERNAME_MAX_LENGTH}
          aria-invalid={error === "invalid"}
        />
      </label>
      <PasswordField label={t("password")} name="password" autoComplete="current-password" invalid={error === "invalid"} inputRef={passwordRef} />
      <div role="alert" className="form-error" hidden={!error}>
        {error ? errorText(t, error, retryAfter) : null}
      </div>
      <button type="submit" className="button button-primary" disabled={isPending}>
        {isPending ? t("submitting") : t("submit")}
      </button>
    </form>
  );
}
