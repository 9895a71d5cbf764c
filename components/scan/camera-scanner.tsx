"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { type CodeDetector, createCodeDetector } from "~/lib/scanner/detector";
import styles from "./camera-scanner.module.css";

type Problem = "denied" | "noCamera" | "insecure" | "busy" | "failed";
type CameraState = { kind: "starting" } | { kind: "running" } | { kind: "problem"; problem: Problem };

/** Often enough to feel instant, rarely enough to leave a phone's CPU (and the WASM reader) breathing. */
const SCAN_INTERVAL_MS = 120;
/** A detector that keeps failing (its .wasm did not load) is reported instead of retried forever. */
const MAX_FAILURES = 3;

type TorchCapabilities = MediaTrackCapabilities & { torch?: boolean };

function problemOf(error: unknown): Problem {
  const name = error instanceof DOMException || error instanceof Error ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") return "denied";
  if (name === "NotFoundError" || name === "OverconstrainedError" || name === "DevicesNotFoundError") return "noCamera";
  if (name === "NotReadableError" || name === "TrackStartError" || name === "AbortError") return "busy";
  return "failed";
}

/**
 * Live camera preview that reports each barcode it sees (PRODUCT.md W1): the rear camera where
 * there is one, the torch switch where the camera has a torch. The camera is released when the
 * screen is left or hidden (another app, a locked phone) or the scan is `paused`, and taken again
 * when it comes back.
 */
export function CameraScanner({ onCode, paused = false }: { onCode: (code: string) => void; paused?: boolean }) {
  const t = useTranslations("scan.camera");
  const videoRef = useRef<HTMLVideoElement>(null);
  const trackRef = useRef<MediaStreamTrack | null>(null);
  const onCodeRef = useRef(onCode);
  const [state, setState] = useState<CameraState>({ kind: "starting" });
  const [hasTorch, setHasTorch] = useState(false);
  const [torchOn, setTorchOn] = useState(false);
  const [attempt, setAttempt] = useState(0);
  const [isHidden, setIsHidden] = useState(false);

  useEffect(() => {
    onCodeRef.current = onCode;
  });

  useEffect(() => {
    const onVisibility = () => setIsHidden(document.visibilityState === "hidden");
    document.addEventListener("visibilitychange", onVisibility);
    return () => document.removeEventListener("visibilitychange", onVisibility);
  }, []);

  useEffect(() => {
    const element = videoRef.current;
    // Paused once a code is being opened: the reader runs on the main thread, and every frame it
    // decodes then is time taken from rendering the chat the scan is opening.
    if (isHidden || paused || !element) return;
    const video: HTMLVideoElement = element;
    let stopped = false;
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;

    async function scanLoop(detector: CodeDetector) {
      let failures = 0;
      while (!stopped) {
        if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
          try {
            const found = await detector.detect(video);
            failures = 0;
            const code = found.map((barcode) => barcode.rawValue.trim()).find(Boolean);
            if (code && !stopped) onCodeRef.current(code);
          } catch {
            if (++failures >= MAX_FAILURES) {
              if (!stopped) setState({ kind: "problem", problem: "failed" });
              return;
            }
          }
        }
        await new Promise<void>((resolve) => (timer = setTimeout(resolve, SCAN_INTERVAL_MS)));
      }
    }

    async function start() {
      // Without a secure context (plain http on the LAN) browsers hide the camera API entirely.
      if (!navigator.mediaDevices?.getUserMedia) {
        if (!stopped) setState({ kind: "problem", problem: window.isSecureContext ? "noCamera" : "insecure" });
        return;
      }
      try {
        const opening = navigator.mediaDevices.getUserMedia({
          audio: false,
          video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
        });
        // The reader loads while the camera starts, not after: on a browser without a native
        // detector its WASM takes as long to arrive as the camera takes to open. But only once a
        // camera is known to be there (the device list answers in milliseconds): a computer
        // without one would fetch the reader's script and .wasm for nothing. A browser that lists
        // no camera before permission is given gets the reader as soon as the camera has opened.
        // A denied camera is listed, and has fetched the reader for nothing: the rarer case here.
        const reader = navigator.mediaDevices
          .enumerateDevices()
          .then((devices) => devices.some((device) => device.kind === "videoinput"))
          .catch(() => false)
          .then((hasCamera) => (hasCamera ? null : opening))
          .then(() => createCodeDetector());
        reader.catch(() => undefined);
        const media = await opening;
        stream = media;
        if (stopped) {
          media.getTracks().forEach((track) => track.stop());
          return;
        }
        video.srcObject = media;
        await video.play().catch(() => {
          // Autoplay of a muted, inline video is allowed; a refusal still leaves frames to read.
        });
        const track = media.getVideoTracks()[0] ?? null;
        trackRef.current = track;
        const capabilities = (track?.getCapabilities?.() ?? {}) as TorchCapabilities;
        setHasTorch(capabilities.torch === true);
        setTorchOn(false);
        setState({ kind: "running" });
        const { detector } = await reader;
        if (stopped) return;
        await scanLoop(detector);
      } catch (error) {
        if (!stopped) setState({ kind: "problem", problem: problemOf(error) });
      }
    }

    void start();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
      trackRef.current = null;
      video.srcObject = null;
    };
  }, [attempt, isHidden, paused]);

  async function toggleTorch() {
    const track = trackRef.current;
    if (!track) return;
    const next = !torchOn;
    try {
      await track.applyConstraints({ advanced: [{ torch: next } as MediaTrackConstraintSet] });
      setTorchOn(next);
    } catch {
      setHasTorch(false);
    }
  }

  function retry() {
    setState({ kind: "starting" });
    setAttempt((n) => n + 1);
  }

  const problem = state.kind === "problem" ? state.problem : null;
  return (
    <section className={styles.camera} aria-label={t("label")}>
      {problem ? (
        <div className={styles.problem} role="alert">
          <h2 className={styles.problemTitle}>{t(`${problem}.title`)}</h2>
          <p className={styles.problemBody}>{t(`${problem}.body`)}</p>
          {problem !== "insecure" && problem !== "noCamera" ? (
            <button type="button" className="button" onClick={retry}>
              {t("retry")}
            </button>
          ) : null}
        </div>
      ) : null}
      {/* Always mounted, so a retry (or coming back to the tab) has its video element to start into. */}
      <div className={styles.viewport} data-state={state.kind} hidden={problem !== null}>
        <video ref={videoRef} className={styles.video} muted playsInline aria-hidden="true" />
        <div className={styles.frame} aria-hidden="true" />
        {hasTorch ? (
          <button type="button" className={`button ${styles.torch}`} aria-pressed={torchOn} onClick={() => void toggleTorch()}>
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
              <path d="M8 2h8v4l-2 3v13h-4V9L8 6V2zM12 13v3" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round" />
            </svg>
            {t("torch")}
          </button>
        ) : null}
      </div>
      {problem ? null : (
        <p className={styles.hint} role="status">
          {state.kind === "starting" ? t("starting") : t("running")}
        </p>
      )}
    </section>
  );
}
