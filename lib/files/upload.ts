import type { AttachmentDto } from "~/contracts/messages";

/** As the server counts (server/files/sniff.ts); checked here too so a refusal needs no upload. */
export const MAX_FILE_BYTES = 25 * 1024 * 1024;
export const MAX_FILES = 10;

/** What the file picker offers; the server decides by content, whatever the picker allowed. */
export const ACCEPT = "image/*,application/pdf,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.txt,.csv,text/plain,text/csv";

/**
 * One upload's end: stored, refused for good (with the server's reason), or not reached (the
 * network, the server's trouble: worth another try later), or cancelled.
 */
export type UploadResult =
  | { kind: "ok"; attachment: AttachmentDto }
  | { kind: "refused"; code: string; reason: string }
  | { kind: "network" }
  | { kind: "aborted" };

const uploadUrl = (chatId: string) => `/api/files?chatId=${encodeURIComponent(chatId)}`;

/** Reads the server's answer to an upload; `status` 0 means it never arrived. */
export function resultOf(status: number, text: string): UploadResult {
  if (status === 201) return { kind: "ok", attachment: JSON.parse(text) as AttachmentDto };
  // 429 here is the cap on unsent uploads: a reason to show, not a reason to keep trying.
  if (status === 0 || status >= 500 || status === 401) return { kind: "network" };
  try {
    const { error } = JSON.parse(text) as { error: { code: string; message: string } };
    return { kind: "refused", code: error.code, reason: error.message };
  } catch {
    return { kind: "refused", code: "http", reason: `HTTP ${status}` };
  }
}

/**
 * Uploads with XMLHttpRequest rather than fetch: only it reports upload progress, and it can
 * be aborted mid-way.
 */
export function startUpload(chatId: string, file: Blob, name: string, onProgress: (fraction: number) => void): { done: Promise<UploadResult>; abort: () => void } {
  const xhr = new XMLHttpRequest();
  const done = new Promise<UploadResult>((resolve) => {
    xhr.open("POST", uploadUrl(chatId));
    xhr.setRequestHeader("x-file-name", encodeURIComponent(name));
    xhr.setRequestHeader("content-type", "application/octet-stream");
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => resolve(resultOf(xhr.status, xhr.responseText));
    xhr.onerror = () => resolve({ kind: "network" });
    xhr.onabort = () => resolve({ kind: "aborted" });
    xhr.send(file);
  });
  return { done, abort: () => xhr.abort() };
}

/** The same upload with fetch, for the outbox (the service worker has no XMLHttpRequest). */
export async function uploadWithFetch(chatId: string, file: Blob, name: string): Promise<UploadResult> {
  try {
    const response = await fetch(uploadUrl(chatId), {
      method: "POST",
      credentials: "same-origin",
      headers: { "x-file-name": encodeURIComponent(name), "content-type": "application/octet-stream" },
      body: file,
    });
    return resultOf(response.status, await response.text());
  } catch {
    return { kind: "network" };
  }
}

/** Takes an unsent upload back (a file removed from a draft); failing is harmless: the sweep. */
export function discardUpload(id: string): void {
  void fetch(`/api/files/${encodeURIComponent(id)}`, { method: "DELETE", credentials: "same-origin" }).catch(() => undefined);
}
