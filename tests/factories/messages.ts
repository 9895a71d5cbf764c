import type { MessageDto } from "~/contracts/messages";

/** A plain text message for unit tests of the browser's caches; `overrides` sets any field. */
export function messageDto(seq: number, overrides: Partial<MessageDto> = {}): MessageDto {
  return {
    id: `id-${seq}`,
    chatId: "c",
    seq,
    kind: "text",
    sender: { kind: "user", id: "u", name: "U" },
    clientId: null,
    body: `m${seq}`,
    replyTo: null,
    editedAt: null,
    deletedAt: null,
    attachments: [],
    mentions: { users: [], entities: [] },
    reactions: [],
    data: null,
    createdAt: new Date(0),
    ...overrides,
  };
}
