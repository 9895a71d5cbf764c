"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useId, useMemo, useRef, useState } from "react";
import { AdminList } from "~/components/ui/admin-list";
import { Field } from "~/components/ui/field";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import { VERBATIM } from "~/components/ui/verbatim";
import styles from "./admin.module.css";
import { CreateForm, useMissing } from "./form-parts";
import { fieldErrors } from "./states";

type Rota = RouterOutputs["rota"]["list"][number];

const NAME_PATTERN = /^[a-z0-9-]+$/;

/** On-duty rotas (PRODUCT.md C5): who answers `on-duty:<name>` now, and a new rota. */
export function RotasScreen() {
  const t = useTranslations("admin.rotas");
  const trpc = useTRPC();
  // Who is on duty changes with the clock: fresh each time the screen opens.
  const rotas = useQuery({ ...trpc.rota.list.queryOptions(), refetchOnMount: "always" });
  return (
    <AdminList
      title={t("list")}
      createLabel={t("create")}
      renderForm={(_, cancel) => <CreateRotaForm onCancel={cancel} />}
      query={rotas}
      empty={t("empty")}
      skeletonCount={2}
      className={styles.section}
      listClassName={styles.list}
      renderItem={(rota) => <RotaItem key={rota.id} rota={rota} />}
    />
  );
}

export function OnDutyNow({ rota }: { rota: Pick<Rota, "onDutyNow"> }) {
  const t = useTranslations("admin.rotas");
  return rota.onDutyNow.length > 0 ? (
    <p className={styles.onDuty}>{t("onDutyNow", { names: rota.onDutyNow.map((p) => p.name).join(", ") })}</p>
  ) : (
    <p className={styles.nobody}>{t("nobodyNow")}</p>
  );
}

function RotaItem({ rota }: { rota: Rota }) {
  const t = useTranslations("admin.rotas");
  const id = useId();
  return (
    <li className={styles.item} aria-labelledby={`${id}-name`}>
      <div className={styles.itemHead}>
        <h3 id={`${id}-name`} className={`${styles.itemName} ${styles.mono}`}>
          {rota.name}
        </h3>
        <span className={styles.meta}>{t("shiftCount", { count: rota.shifts.length })}</span>
      </div>
      <p className={styles.meta}>
        {t("group")}: {rota.groupName} · {t("timeZone")}: {rota.timeZone}
      </p>
      <OnDutyNow rota={rota} />
      <Link href={`/admin/rotas/${rota.id}`} className={`button ${styles.linkButton}`} aria-describedby={`${id}-name`}>
        {t("edit")}
      </Link>
    </li>
  );
}

/** The time zones the browser knows, UTC first; the server checks the choice again. */
function useTimeZones(): string[] {
  return useMemo(() => {
    const zones = Intl.supportedValuesOf("timeZone");
    return ["UTC", ...zones.filter((zone) => zone !== "UTC")];
  }, []);
}

function CreateRotaForm({ onCancel }: { onCancel: () => void }) {
  const t = useTranslations("admin.rotas");
  const fieldText = useTranslations("admin.fieldError");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const id = useId();
  const nameInput = useRef<HTMLInputElement>(null);
  const groups = useQuery(trpc.group.list.queryOptions());
  const zones = useTimeZones();
  const [name, setName] = useState("");
  const [groupId, setGroupId] = useState("");
  const [timeZone, setTimeZone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  const { missing, check } = useMissing<"name" | "groupId">();
  const create = useMutation(
    trpc.rota.create.mutationOptions({
      onSuccess: ({ id: rotaId }) => {
        void queryClient.invalidateQueries(trpc.rota.list.queryFilter());
        router.push(`/admin/rotas/${rotaId}`);
      },
    }),
  );
  const server = fieldErrors(create.error);
  const errors = {
    name: missing.name ?? (create.error?.data?.code === "CONFLICT" ? fieldText("nameTaken") : server.name ? t("nameHint") : undefined),
    groupId: missing.groupId ?? server.groupId,
    timeZone: server.timeZone,
  };

  function onSubmit() {
    const ok = check({ name: !NAME_PATTERN.test(name) && t("nameHint"), groupId: !groupId && t("chooseGroup") }, { name: () => nameInput.current?.focus() });
    if (ok) create.mutate({ name, groupId, timeZone }, { onError: () => nameInput.current?.focus() });
  }

  return (
    <CreateForm id={id} t={t} mutation={create} onSubmit={onSubmit} onCancel={onCancel}>
      <Field id={`${id}-name`} label={t("name")} hint={t("nameHint")} error={errors.name}>
        {(control) => (
          <input
            {...control}
            ref={nameInput}
            className={`${styles.input} ${styles.mono}`}
            value={name}
            onChange={(event) => setName(event.target.value.toLowerCase())}
            maxLength={40}
            required
            autoFocus
            {...VERBATIM}
            placeholder="helpdesk"
          />
        )}
      </Field>
      <div className={styles.twoColumns}>
        <Field id={`${id}-group`} label={t("group")} error={errors.groupId}>
          {(control) => (
            <select {...control} className={styles.select} value={groupId} onChange={(event) => setGroupId(event.target.value)}>
              <option value="">{t("chooseGroup")}</option>
              {(groups.data ?? []).map((group) => (
                <option key={group.id} value={group.id}>
                  {group.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={`${id}-zone`} label={t("timeZone")} error={errors.timeZone}>
          {(control) => (
            <select {...control} className={styles.select} value={timeZone} onChange={(event) => setTimeZone(event.target.value)}>
              {(zones.includes(timeZone) ? zones : [timeZone, ...zones]).map((zone) => (
                <option key={zone} value={zone}>
                  {zone.replaceAll("_", " ")}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
    </CreateForm>
  );
}
