"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useEffect, useId, useState } from "react";
import { currentSubscription, deviceLabel, isPushSupported, subscribeThisBrowser, subscriptionInput } from "~/lib/push/browser";
import { useTRPC } from "~/lib/trpc/client";
import type { RouterOutputs } from "~/lib/trpc/types";
import styles from "./push-notifications.module.css";
import { SettingSwitch } from "./setting-switch";

type Device = RouterOutputs["push"]["devices"][number];
type BrowserState = "checking" | "unsupported" | "denied" | "off" | "on";

/**
 * Notifications when Floorchat is closed (PRODUCT.md N1, N3): this browser's subscription, the
 * choice to leave message text out, and the person's devices. Loaded on its own: the Me screen
 * shows without it.
 */
export function PushNotifications() {
  return (
    <>
      <ThisDevice />
      <HideTextSetting />
      <MyDevices />
    </>
  );
}

function ThisDevice() {
  const t = useTranslations("me.push");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const key = useQuery({ ...trpc.push.vapidPublicKey.queryOptions(), staleTime: Infinity });
  const devices = useQuery(trpc.push.devices.queryOptions());
  const subscribe = useMutation(trpc.push.subscribe.mutationOptions());
  const unsubscribe = useMutation(trpc.push.unsubscribe.mutationOptions());
  // Rendered in the browser only (loaded without SSR), so these can be read at once.
  const [state, setState] = useState<BrowserState>(() =>
    !isPushSupported() ? "unsupported" : Notification.permission === "denied" ? "denied" : "checking",
  );
  const [endpoint, setEndpoint] = useState<string | null>(null);
  const [isBusy, setBusy] = useState(false);
  const [problem, setProblem] = useState<"enable" | "disable" | null>(null);
  const publicKey = key.data?.publicKey;
  const knownEndpoints = devices.data?.map((d) => d.endpoint);

  const isChecking = state === "checking";
  useEffect(() => {
    if (!isChecking || !publicKey) return;
    let isCurrent = true;
    void currentSubscription(publicKey)
      .then((subscription) => {
        if (!isCurrent) return;
        setEndpoint(subscription?.endpoint ?? null);
        setState(subscription ? "on" : "off");
      })
      .catch(() => isCurrent && setState("off"));
    return () => {
      isCurrent = false;
    };
  }, [isChecking, publicKey]);

  // A subscription the server does not hold for this person counts as off: another person used
  // this browser last (a shared tablet), the push service dropped it, or it was removed from the
  // list. Turning on claims it again.
  const shown: BrowserState =
    state !== "on" ? state : knownEndpoints === undefined ? "checking" : endpoint && knownEndpoints.includes(endpoint) ? "on" : "off";

  const enable = async () => {
    if (!publicKey) return;
    setBusy(true);
    setProblem(null);
    try {
      const subscription = await subscribeThisBrowser(publicKey);
      await subscribe.mutateAsync(subscriptionInput(subscription, deviceLabel(navigator.userAgent)));
      setEndpoint(subscription.endpoint);
      setState("on");
    } catch {
      if (Notification.permission === "denied") setState("denied");
      else setProblem("enable");
    } finally {
      setBusy(false);
      void queryClient.invalidateQueries(trpc.push.devices.queryFilter());
    }
  };

  const disable = async () => {
    if (!publicKey) return;
    setBusy(true);
    setProblem(null);
    try {
      const subscription = await currentSubscription(publicKey);
      if (subscription) {
        await unsubscribe.mutateAsync({ endpoint: subscription.endpoint });
        await subscription.unsubscribe();
      }
      setEndpoint(null);
      setState("off");
    } catch {
      setProblem("disable");
    } finally {
      setBusy(false);
      void queryClient.invalidateQueries(trpc.push.devices.queryFilter());
    }
  };

  return (
    <div className={styles.group}>
      <h3 className={styles.heading}>{t("heading")}</h3>
      {shown === "checking" ? (
        <p className={styles.text} role="status">
          {t("checking")}
        </p>
      ) : shown === "unsupported" ? (
        <p className={styles.text}>{t("unsupported")}</p>
      ) : shown === "denied" ? (
        <p className={styles.notice}>{t("denied")}</p>
      ) : (
        <div className={styles.row}>
          <p className={styles.state} role="status">
            {shown === "on" ? t("on") : t("off")}
          </p>
          {shown === "on" ? (
            <button type="button" className="button" onClick={() => void disable()} disabled={isBusy}>
              {isBusy ? t("disabling") : t("disable")}
            </button>
          ) : (
            <button type="button" className={`button ${styles.primary}`} onClick={() => void enable()} disabled={isBusy || !publicKey}>
              {isBusy ? t("enabling") : t("enable")}
            </button>
          )}
        </div>
      )}
      {problem ? (
        <p className={styles.error} role="alert">
          {problem === "enable" ? t("enableError") : t("disableError")}
        </p>
      ) : null}
    </div>
  );
}

/** The switch reads "show text": on is the default, off leaves the message out of the notification. */
function HideTextSetting() {
  const t = useTranslations("me.push.text");
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const settings = useQuery(trpc.push.settings.queryOptions());
  const key = trpc.push.settings.queryKey();
  const save = useMutation(
    trpc.push.setHideText.mutationOptions({
      onMutate: ({ hideText }) => {
        const before = queryClient.getQueryData(key);
        queryClient.setQueryData(key, { hideText });
        return { before };
      },
      onError: (_error, _input, context) => queryClient.setQueryData(key, context?.before),
      onSuccess: (saved) => queryClient.setQueryData(key, saved),
    }),
  );
  const isShown = !(settings.data?.hideText ?? false);
  return (
    <div className={styles.group}>
      <SettingSwitch
        label={t("label")}
        hint={t("hint")}
        checked={isShown}
        stateText={isShown ? t("on") : t("off")}
        disabled={settings.isPending}
        onToggle={() => save.mutate({ hideText: isShown })}
      />
      {save.isError ? (
        <p className={styles.error} role="alert">
          {t("error")}
        </p>
      ) : null}
    </div>
  );
}

function MyDevices() {
  const t = useTranslations("me.push.devices");
  const trpc = useTRPC();
  const devices = useQuery(trpc.push.devices.queryOptions());
  const headingId = useId();
  return (
    <div className={styles.group}>
      <h3 id={headingId} className={styles.heading}>
        {t("heading")}
      </h3>
      {devices.isPending ? (
        <p className={styles.text} role="status">
          {t("loading")}
        </p>
      ) : devices.isError ? (
        <div className={styles.row} role="alert">
          <p className={styles.error}>{t("loadError")}</p>
          <button type="button" className="button" onClick={() => void devices.refetch()} disabled={devices.isFetching}>
            {t("retry")}
          </button>
        </div>
      ) : devices.data.length === 0 ? (
        <p className={styles.text}>{t("none")}</p>
      ) : (
        <ul className={styles.list} aria-labelledby={headingId}>
          {devices.data.map((device) => (
            <DeviceItem key={device.id} device={device} />
          ))}
        </ul>
      )}
    </div>
  );
}

function DeviceItem({ device }: { device: Device }) {
  const t = useTranslations("me.push.devices");
  const format = useFormatter();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.push.remove.mutationOptions({
      onSuccess: () => queryClient.setQueryData(trpc.push.devices.queryKey(), (list) => list?.filter((d) => d.id !== device.id)),
    }),
  );
  const name = device.label || t("unnamed");
  const date = (value: Date) => format.dateTime(value, { dateStyle: "medium", timeStyle: "short" });
  return (
    <li className={styles.item}>
      <div className={styles.itemText}>
        <span className={styles.label}>{name}</span>
        <span className={styles.hint}>{t("added", { date: date(device.createdAt) })}</span>
        <span className={styles.hint}>{device.lastSuccessAt ? t("lastSent", { date: date(device.lastSuccessAt) }) : t("neverSent")}</span>
        {remove.isError ? (
          <span className={styles.error} role="alert">
            {t("removeError")}
          </span>
        ) : null}
      </div>
      <button
        type="button"
        className={`button ${styles.danger}`}
        aria-label={t("removeLabel", { device: name })}
        onClick={() => remove.mutate({ id: device.id })}
        disabled={remove.isPending}
      >
        {remove.isPending ? t("removing") : t("remove")}
      </button>
    </li>
  );
}
