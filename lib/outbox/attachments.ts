import { uploadWithFetch } from "~/lib/files/upload";
import { type OutboxItem, updateOutboxItem } from "./store";

type Uploaded = { kind: "ready"; ids: string[] } | { kind: "refused"; reason: string } | { kind: "wait" };

/**
 * Uploads an item's files that are not on the server yet (written offline), recording each id
 * in IndexedDB as it lands. The network or the server's trouble: wait; a refusal (too large,
 * not an allowed type, no access): the message fails with the reason.
 */
export async function uploadOutboxFiles(item: OutboxItem): Promise<Uploaded> {
  const ids: string[] = [];
  for (const file of item.attachments ?? []) {
    if (file.id) {
      ids.push(file.id);
      continue;
    }
    if (!file.blob) return { kind: "refused", reason: `${file.name}: the file is no longer on this device` };
    const result = await uploadWithFetch(item.chatId, file.blob, file.name);
    if (result.kind === "network" || result.kind === "aborted") return { kind: "wait" };
    if (result.kind === "refused") return { kind: "refused", reason: `${file.name}: ${result.reason}` };
    const id = result.attachment.id;
    ids.push(id);
    await updateOutboxItem(item.clientId, (current) => ({
      ...current,
      attachments: current.attachments?.map((a) => (a.localId === file.localId ? { ...a, id, blob: null } : a)),
    }));
  }
  return { kind: "ready", ids };
}
