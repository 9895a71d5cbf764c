"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { type FormEvent, useId, useMemo, useRef, useState } from "react";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./admin.module.css";
import { FormFooter } from "./form-parts";
import { ListSkeleton, LoadError, fieldErrors, isRefusal } from "./states";

type Rota = RouterOutputs["rota"]["list"][number];

const NAME_PATTERN = /^[a-z0-9-]+$/;

/** On-duty rotas (PRODUCT.md C5): who answers `on-duty:<name>` now, and a new rota. */
export function RotasScreen() {
  const t = useTranslations("admin.rotas");
  const trpc = useTRPC();
  // Who is on duty changes with the clock: fresh each time the screen opens.
  const rotas = useQuery({ ...trpc.rota.list.queryOptions(), refetchOnMount: "always" });
  const [isCreating, setCreating] = useState(false);
  return (
    <>
      {isCreating ? (
        <CreateRotaForm onCancel={() => setCreating(false)} />
      ) : (
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          {t("create")}
        </button>
      )}
      <section className={styles.section} aria-labelledby="rotas-list">
        <h2 id="rotas-list">{t("list")}</h2>
        {rotas.isPending ? (
          <ListSkeleton count={2} />
        ) : rotas.isError ? (
          <LoadError onRetry={() => void rotas.refetch()} isRetrying={rotas.isFetching} />
        ) : rotas.data.length === 0 ? (
          <p className={styles.empty}>{t("empty")}</p>
        ) : (
          <ul className={styles.list} aria-labelledby="rotas-list">
            {rotas.data.map((rota) => (
              <RotaItem key={rota.id} rota={rota} />
            ))}
          </ul>
        )}
      </section>
    </>
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
  const [missing, setMissing] = useState<{ name?: string; groupId?: string }>({});
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

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const problems = {
      ...(NAME_PATTERN.test(name) ? {} : { name: t("nameHint") }),
      ...(groupId ? {} : { groupId: t("chooseGroup") }),
    };
    setMissing(problems);
    if (problems.name) {
      nameInput.current?.focus();
      return;
    }
    if (problems.groupId) return;
    create.mutate({ name, groupId, timeZone }, { onError: () => nameInput.current?.focus() });
  }

  return (
    <section className={styles.section} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t("formTitle")}</h2>
      <form className={styles.form} onSubmit={onSubmit} noValidate>
        <div className="field">
          <label htmlFor={`${id}-name`}>{t("name")}</label>
          <p id={`${id}-name-hint`} className={styles.hint}>
            {t("nameHint")}
          </p>
          <input
            ref={nameInput}
            id={`${id}-name`}
            className={`${styles.input} ${styles.mono}`}
            value={name}
            onChange={(event) => setName(event.target.value.toLowerCase())}
            maxLength={40}
            required
            autoFocus
            autoComplete="off"
            autoCapitalize="off"
            spellCheck={false}
            placeholder="helpdesk"
            aria-invalid={errors.name ? true : undefined}
            aria-describedby={`${id}-name-hint${errors.name ? ` ${id}-name-error` : ""}`}
          />
          {errors.name ? (
            <p id={`${id}-name-error`} className={styles.fieldError}>
              {errors.name}
            </p>
          ) : null}
        </div>
        <div className={styles.twoColumns}>
          <div className="field">
            <label htmlFor={`${id}-group`}>{t("group")}</label>
            <select
              id={`${id}-group`}
              className={styles.select}
              value={groupId}
              onChange={(event) => setGroupId(event.target.value)}
              aria-invalid={errors.groupId ? true : undefined}
              aria-describedby={errors.groupId ? `${id}-group-error` : undefined}
            >
              <option value="">{t("chooseGroup")}</option>
              {(groups.data ?? []).map((group) => (
                <option key={group.id} value={group.id}>
                  {group.name}
                </option>
              ))}
            </select>
            {errors.groupId ? (
              <p id={`${id}-group-error`} className={styles.fieldError}>
                {errors.groupId}
              </p>
            ) : null}
          </div>
          <div className="field">
            <label htmlFor={`${id}-zone`}>{t("timeZone")}</label>
            <select
              id={`${id}-zone`}
              className={styles.select}
              value={timeZone}
              onChange={(event) => setTimeZone(event.target.value)}
              aria-invalid={errors.timeZone ? true : undefined}
              aria-describedby={errors.timeZone ? `${id}-zone-error` : undefined}
            >
              {(zones.includes(timeZone) ? zones : [timeZone, ...zones]).map((zone) => (
                <option key={zone} value={zone}>
                  {zone.replaceAll("_", " ")}
                </option>
              ))}
            </select>
            {errors.timeZone ? (
              <p id={`${id}-zone-error`} className={styles.fieldError}>
                {errors.timeZone}
              </p>
            ) : null}
          </div>
        </div>
        <FormFooter
          showSaveError={create.isError && !isRefusal(create.error)}
          isPending={create.isPending}
          submitLabel={t("submit")}
          pendingLabel={t("submitting")}
          onCancel={onCancel}
        />
      </form>
    </section>
  );
}
