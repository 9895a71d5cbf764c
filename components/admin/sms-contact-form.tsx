"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useId, useRef, useState } from "react";
import { Checkbox } from "~/components/ui/checkbox";
import { USERNAME_MAX_LENGTH } from "~/contracts/limits";
import { Field } from "~/components/ui/field";
import { VERBATIM } from "~/components/ui/verbatim";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./admin.module.css";
import { CreateForm, useMissing } from "./form-parts";
import { fieldErrors, isRefusal } from "./states";
import sms from "./sms.module.css";

type Contact = RouterOutputs["sms"]["contacts"][number];
type Fields = "name" | "phone" | "recordType" | "recordKey" | "username";

/** Kept in step with ZEntityType in server/api/schemas/common.ts. */
const RECORD_TYPE = /^[a-z][a-z0-9_-]*$/;

/**
 * A contact's name, number, verification, linked record and linked person: a new one, or
 * `contact` changed. The server reads the number (a national one in the sending number's
 * country) and says when it is not valid, already someone's, or the record or person does not
 * exist; each reason shows beside
 * its field, in the screen's language.
 */
export function SmsContactForm({ contact, onSaved, onCancel }: { contact?: Contact; onSaved: (contact: { id: string; name: string }) => void; onCancel: () => void }) {
  const t = useTranslations("admin.sms.contacts");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const inputs = useRef<Partial<Record<Fields, HTMLInputElement | null>>>({});
  const [name, setName] = useState(contact?.name ?? "");
  const [phone, setPhone] = useState(contact?.phoneDisplay ?? "");
  const [verified, setVerified] = useState(contact?.verified ?? true);
  const [recordType, setRecordType] = useState(contact?.record?.type ?? "");
  const [recordKey, setRecordKey] = useState(contact?.record?.key ?? "");
  const [username, setUsername] = useState(contact?.user?.username ?? "");
  const { missing, check } = useMissing<Fields>();
  const onSuccess = (saved: { id: string }) => {
    void queryClient.invalidateQueries(trpc.sms.contacts.queryFilter());
    onSaved({ id: saved.id, name: name.trim() });
  };
  const create = useMutation(trpc.sms.createContact.mutationOptions({ onSuccess }));
  const update = useMutation(trpc.sms.updateContact.mutationOptions({ onSuccess: () => onSuccess({ id: contact?.id ?? "" }) }));
  const save = contact ? update : create;

  const server = fieldErrors(save.error);
  const errors: Partial<Record<Fields, string>> = {
    name: missing.name ?? (server.name ? t("nameRequired") : undefined),
    phone: missing.phone ?? (save.error?.data?.code === "CONFLICT" ? t("phoneTaken") : server.phone ? t("phoneInvalid") : undefined),
    recordType: missing.recordType ?? (server.recordType ? t("recordTypeInvalid") : undefined),
    recordKey: missing.recordKey ?? (server.recordKey ? t("recordNotFound") : undefined),
    username: server.username ? t("usernameNotFound") : undefined,
  };
  // A refusal that names no field (the contact is gone, the role changed) is said as it came.
  const unexplained = save.isError && isRefusal(save.error) && !Object.values(errors).some(Boolean) ? save.error.message : null;

  function onSubmit() {
    const type = recordType.trim();
    const key = recordKey.trim();
    const focus = (field: Fields) => () => inputs.current[field]?.focus();
    const ok = check(
      {
        name: !name.trim() && t("nameRequired"),
        phone: phone.trim().length < 3 && t("phoneRequired"),
        recordType: type !== "" && !RECORD_TYPE.test(type) && t("recordTypeInvalid"),
        recordKey: type !== "" && key === "" && t("recordKeyRequired"),
        username: false,
      },
      { name: focus("name"), phone: focus("phone"), recordType: focus("recordType"), recordKey: focus("recordKey"), username: focus("username") },
    );
    if (!ok) return;
    const input = { name: name.trim(), phone: phone.trim(), verified, recordType: key ? type || null : null, recordKey: key || null, username: username.trim() || null };
    // The server's reason belongs beside its field: the focus goes to the first one named.
    const onError = (error: unknown) => {
      const fields = fieldErrors(error);
      const first = (["name", "phone", "recordType", "recordKey", "username"] as const).find((field) => fields[field]);
      if (first) inputs.current[first]?.focus();
    };
    if (contact) update.mutate({ id: contact.id, ...input }, { onError });
    else create.mutate(input, { onError });
  }

  const words = (key: "formTitle" | "submit" | "submitting") =>
    contact ? { formTitle: t("editTitle", { name: contact.name }), submit: t("save"), submitting: t("saving") }[key] : t(key);
  return (
    <CreateForm id={id} t={words} mutation={save} onSubmit={onSubmit} onCancel={onCancel}>
      <Field id={`${id}-name`} label={t("name")} error={errors.name}>
        {(control) => (
          <input
            {...control}
            ref={(element) => {
              inputs.current.name = element;
            }}
            className={styles.input}
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={100}
            required
            autoFocus
            autoComplete="off"
            placeholder={t("namePlaceholder")}
          />
        )}
      </Field>
      <Field id={`${id}-phone`} label={t("phone")} hint={t("phoneHint")} error={errors.phone}>
        {(control) => (
          <input
            {...control}
            ref={(element) => {
              inputs.current.phone = element;
            }}
            className={`${styles.input} ${styles.mono}`}
            type="tel"
            inputMode="tel"
            value={phone}
            onChange={(event) => setPhone(event.target.value)}
            maxLength={40}
            required
            {...VERBATIM}
            placeholder="+48 600 100 200"
          />
        )}
      </Field>
      <Checkbox checked={verified} onChange={setVerified}>
        <span className={styles.checkText}>
          <span>{t("verified")}</span>
          <span className={sms.checkHint}>{t("verifiedHint")}</span>
        </span>
      </Checkbox>
      <fieldset className={styles.fieldset}>
        <legend>{t("recordLegend")}</legend>
        <p className={styles.hint}>{t("recordHint")}</p>
        <div className={styles.twoColumns}>
          <Field id={`${id}-type`} label={t("recordType")} error={errors.recordType}>
            {(control) => (
              <input
                {...control}
                ref={(element) => {
                  inputs.current.recordType = element;
                }}
                className={`${styles.input} ${styles.mono}`}
                value={recordType}
                onChange={(event) => setRecordType(event.target.value.toLowerCase())}
                maxLength={40}
                {...VERBATIM}
                placeholder="order"
              />
            )}
          </Field>
          <Field id={`${id}-key`} label={t("recordKey")} error={errors.recordKey}>
            {(control) => (
              <input
                {...control}
                ref={(element) => {
                  inputs.current.recordKey = element;
                }}
                className={`${styles.input} ${styles.mono}`}
                value={recordKey}
                onChange={(event) => setRecordKey(event.target.value)}
                maxLength={100}
                {...VERBATIM}
                placeholder="SO-10001"
              />
            )}
          </Field>
        </div>
      </fieldset>
      <fieldset className={styles.fieldset}>
        <legend>{t("personLegend")}</legend>
        <p className={styles.hint}>{t("personHint")}</p>
        <Field id={`${id}-username`} label={t("username")} error={errors.username}>
          {(control) => (
            <input
              {...control}
              ref={(element) => {
                inputs.current.username = element;
              }}
              className={`${styles.input} ${styles.mono}`}
              value={username}
              onChange={(event) => setUsername(event.target.value)}
              maxLength={USERNAME_MAX_LENGTH}
              {...VERBATIM}
              placeholder="driver"
            />
          )}
        </Field>
      </fieldset>
      {unexplained ? (
        <p className="form-error" role="alert">
          {unexplained}
        </p>
      ) : null}
    </CreateForm>
  );
}
