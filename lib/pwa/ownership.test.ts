import { describe, expect, it } from "vitest";
import { mustForget, othersItems, ownItems } from "./ownership";

describe("whose data a shared device keeps", () => {
  it("keeps everything when the same person signs in again", () => {
    expect(mustForget("user-a", "user-a")).toBe(false);
  });

  it("forgets the cached data when someone else signs in", () => {
    expect(mustForget("user-a", "user-b")).toBe(true);
  });

  it("forgets the cached data when it does not know whose it is", () => {
    expect(mustForget(null, "user-a")).toBe(true);
  });

  const outbox = [
    { clientId: "1", userId: "user-a" },
    { clientId: "2", userId: "user-b" },
    { clientId: "3", userId: "user-a" },
  ];

  it("gives each person only the outbox items they wrote, in their order", () => {
    expect(ownItems(outbox, "user-a").map((item) => item.clientId)).toEqual(["1", "3"]);
    expect(ownItems(outbox, "user-b").map((item) => item.clientId)).toEqual(["2"]);
  });

  it("marks only other people's saved items for deletion", () => {
    expect(othersItems(outbox, "user-b").map((item) => item.clientId)).toEqual(["1", "3"]);
    expect(othersItems(outbox, "user-c")).toHaveLength(3);
  });
});
