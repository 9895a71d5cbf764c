import { describe, expect, it } from "vitest";
import { windowTitle } from "./contacts";

describe("an SMS window's title", () => {
  const record = { title: "Order SO-1", fields: { customer: "Acme", dock: 3, note: " " } };
  it("is the contact's name unless the settings name a record field that holds a value", () => {
    expect(windowTitle("Marek", null, "customer")).toBe("Marek");
    expect(windowTitle("Marek", record, null)).toBe("Marek");
    expect(windowTitle("Marek", record, "customer")).toBe("Acme");
    expect(windowTitle("Marek", record, "dock")).toBe("3");
    expect(windowTitle("Marek", record, "title")).toBe("Order SO-1");
    expect(windowTitle("Marek", record, "note")).toBe("Marek");
    expect(windowTitle("Marek", record, "missing")).toBe("Marek");
  });
  it("never reads an inherited property as a field", () => {
    expect(windowTitle("Marek", record, "constructor")).toBe("Marek");
    expect(windowTitle("Marek", record, "__proto__")).toBe("Marek");
  });
});
