"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useId, useRef, useState } from "react";
import { AdminList } from "~/components/ui/admin-list";
import { Field } from "~/components/ui/field";
import { InlineConfirm } from "~/components/ui/inline-confirm";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import { VERBATIM } from "~/components/ui/verbatim";
import styles from "./admin.module.css";
import { CheckList, CreateForm, toggled, useMissing } from "./form-parts";
import { useRelativeTime } from "./relative-time";
import { ShownOnce } from "./shown-once";
import { fieldErrors } from "./states";
import { DeliveryLog } from "./webhook-log";

type Webhook = RouterOutputs["webhook"]["list"][number];
type Created = RouterOutputs["webhook"]["create"];

/** Kept in step with WEBHOOK_EVENTS in server/services/webhooks.ts; message keys cannot hold dots. */
const EVENTS = ["message.created", "message.action", "approval.resolved", "record.created_by_scan"] as const;
const EVENT_KEYS = {
  "message.created": "messageCreated",
  "message.action": "messageAction",
  "approval.resolved": "approvalResolved",
  "record.created_by_scan": "recordCreatedByScan",
} as const;
const SIGNATURE_HEADER = "x-floorchat-signature";

/** Outgoing webhooks (PRODUCT.md A4): the list with delivery logs, adding one (secret shown once), deleting. */
export function WebhooksScreen() {
  const t = useTranslations("admin.webhooks");
  const trpc = useTRPC();
  const webhooks = useQuery(trpc.webhook.list.queryOptions());
  return (
    <AdminList<Webhook, Created>
      title={t("list")}
      createLabel={t("create")}
      renderForm={(created, cancel) => <CreateWebhookForm onCancel={cancel} onCreated={created} />}
      renderCreated={(webhook, done) => (
        <ShownOnce title={t("createdTitle")} label={t("secretLabel")} value={webhook.secret} onDone={done}>
          <HowToVerify />
        </ShownOnce>
      )}
      query={webhooks}
      empty={t("empty")}
      className={styles.section}
      listClassName={styles.list}
      renderItem={(webhook) => <WebhookItem key={webhook.id} webhook={webhook} />}
      after={(isShowingCreated) =>
        isShowingCreated ? null : (
          <details className={`${styles.section} ${styles.details}`}>
            <summary>{t("verifyTitle")}</summary>
            <HowToVerify />
          </details>
        )
      }
    />
  );
}

/** The receiver's side of the signature (signPayload in server/services/webhooks.ts). */
function HowToVerify() {
  const t = useTranslations("admin.webhooks");
  return (
    <div className={styles.details}>
      <p className={styles.meta}>{t("verifyHeader")}</p>
      <code className={styles.secret}>{`${SIGNATURE_HEADER}: t=…,v1=…`}</code>
      <ol className={styles.steps}>
        <li>{t("verifyStep1")}</li>
        <li>{t("verifyStep2")}</li>
        <li>{t("verifyStep3")}</li>
      </ol>
      <pre className={styles.code} tabIndex={0} aria-label={t("verifyCode")}>
        {`const [, t, v1] = /t=(\\d+),v1=([0-9a-f]+)/.exec(req.headers["${SIGNATURE_HEADER}"]);
const mac = crypto.createHmac("sha256", secret)
  .update(\`\${t}.\${rawBody}\`).digest("hex");
const ok = crypto.timingSafeEqual(Buffer.from(mac), Buffer.from(v1))
  && Date.now() / 1000 - Number(t) < 300;`}
      </pre>
    </div>
  );
}

function WebhookItem({ webhook }: { webhook: Webhook }) {
  const t = useTranslations("admin.webhooks");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [isConfirming, setConfirming] = useState(false);
  const [isLogOpen, setLogOpen] = useState(false);
  const relative = useRelativeTime();
  const remove = useMutation(
    trpc.webhook.delete.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.webhook.list.queryFilter()),
    }),
  );
  return (
    <li className={styles.item} aria-labelledby={`${id}-url`}>
      <h3 id={`${id}-url`} className={`${styles.itemName} ${styles.mono}`}>
        {webhook.url}
      </h3>
      <ul className={styles.chips} aria-label={t("events")}>
        {webhook.events.map((event) => (
          <li key={event} className={styles.chip}>
            {t(`event.${EVENT_KEYS[event]}`)}
          </li>
        ))}
      </ul>
      <p className={styles.meta}>
        {t("pending", { count: webhook.pending })}
        {" · "}
        <span className={webhook.failed > 0 ? styles.danger : undefined}>{t("failed", { count: webhook.failed })}</span>
        {" · "}
        {t("created", { when: relative(webhook.createdAt) })}
      </p>
      {isConfirming ? (
        <InlineConfirm
          question={t("confirmDelete", { url: webhook.url })}
          error={remove.isError ? t("deleteError") : null}
          isPending={remove.isPending}
          confirmLabel={t("confirmDeleteYes")}
          pendingLabel={t("deleting")}
          onConfirm={() => remove.mutate({ id: webhook.id })}
          onCancel={() => {
            remove.reset();
            setConfirming(false);
          }}
        />
      ) : (
        <div className={styles.actions}>
          <button type="button" className="button" aria-expanded={isLogOpen} aria-controls={`${id}-log`} aria-describedby={`${id}-url`} onClick={() => setLogOpen(!isLogOpen)}>
            {t("showLog")}
          </button>
          <button type="button" className={`button ${styles.dangerButton}`} aria-describedby={`${id}-url`} onClick={() => setConfirming(true)}>
            {t("delete")}
          </button>
        </div>
      )}
      <div id={`${id}-log`} hidden={!isLogOpen}>
        {isLogOpen ? <DeliveryLog webhookId={webhook.id} /> : null}
      </div>
    </li>
  );
}

/** The server's reasons for refusing a URL (server/services/outbound-url.ts), in the screen's language. */
function useUrlError() {
  const t = useTranslations("admin.webhooks.urlError");
  return (message: string | undefined): string | undefined => {
    if (!message) return undefined;
    if (message === "Only https URLs are allowed") return t("https");
    if (message === "Not a valid URL") return t("invalid");
    if (message.startsWith("A URL with a user name")) return t("credentials");
    const privateHost = /^The host (.+) is a private, loopback or link-local address$/.exec(message);
    if (privateHost) return t("private", { host: privateHost[1]! });
    const unresolved = /^The host (.+) cannot be resolved$/.exec(message);
    if (unresolved) return t("unresolved", { host: unresolved[1]! });
    return message;
  };
}

function CreateWebhookForm({ onCancel, onCreated }: { onCancel: () => void; onCreated: (webhook: Created) => void }) {
  const t = useTranslations("admin.webhooks");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const urlError = useUrlError();
  const urlInput = useRef<HTMLInputElement>(null);
  const [url, setUrl] = useState("");
  const [events, setEvents] = useState<ReadonlySet<string>>(() => new Set(["message.created"]));
  const { missing, check } = useMissing<"url" | "events">();
  const create = useMutation(
    trpc.webhook.create.mutationOptions({
      onSuccess: (webhook) => {
        void queryClient.invalidateQueries(trpc.webhook.list.queryFilter());
        onCreated(webhook);
      },
    }),
  );
  const server = fieldErrors(create.error);
  const errors = { url: missing.url ?? urlError(server.url), events: missing.events ?? server.events };

  function onSubmit() {
    const chosen = EVENTS.filter((name) => events.has(name));
    const ok = check(
      { url: !url.trim() && t("urlRequired"), events: chosen.length === 0 && t("eventsRequired") },
      { url: () => urlInput.current?.focus() },
    );
    if (!ok) return;
    // The server's reason belongs beside the URL: the focus goes there to hear it.
    create.mutate({ url: url.trim(), events: chosen }, { onError: () => urlInput.current?.focus() });
  }

  return (
    <CreateForm id={id} t={t} mutation={create} onSubmit={onSubmit} onCancel={onCancel}>
      <Field id={`${id}-url`} label={t("url")} error={errors.url}>
        {(control) => (
          <input
            {...control}
            ref={urlInput}
            className={styles.input}
            type="url"
            inputMode="url"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
            maxLength={2000}
            required
            autoFocus
            {...VERBATIM}
            placeholder={t("urlPlaceholder")}
          />
        )}
      </Field>
      <CheckList
        id={`${id}-events`}
        legend={t("events")}
        options={EVENTS}
        label={(name) => t(`event.${EVENT_KEYS[name]}`)}
        checked={events}
        onToggle={(name, isOn) => setEvents((current) => toggled(current, name, isOn))}
        error={errors.events}
      />
    </CreateForm>
  );
}
