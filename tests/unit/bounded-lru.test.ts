import { describe, expect, it } from "vitest";
import { BoundedLru } from "../../app/modules/public-cache/lru";

// The public pages' shared cache (decision 026) is bounded by entries, by bytes and by age.
describe("BoundedLru", () => {
  it("evicts the least recently used past its entry bound", () => {
    const lru = new BoundedLru<string>(2, 1000, 60_000);
    lru.set("a", "A", 1);
    lru.set("b", "B", 1);
    expect(lru.get("a")).toBe("A"); // a is now the most recent
    lru.set("c", "C", 1);
    expect([lru.get("a"), lru.get("b"), lru.get("c")]).toEqual(["A", undefined, "C"]);
    expect(lru.size).toBe(2);
  });

  it("evicts past its byte bound, and never keeps an entry larger than the bound", () => {
    const lru = new BoundedLru<string>(100, 10, 60_000);
    lru.set("a", "A", 4);
    lru.set("b", "B", 4);
    lru.set("c", "C", 4);
    expect(lru.get("a")).toBeUndefined();
    expect(lru.bytes).toBe(8);
    lru.set("huge", "H", 11);
    expect(lru.get("huge")).toBeUndefined();
    expect(lru.bytes).toBe(8);
    lru.set("b", "B2", 2); // replacing an entry frees its bytes
    expect(lru.bytes).toBe(6);
  });

  it("forgets an entry once it is as old as its time to live", () => {
    let now = 0;
    const lru = new BoundedLru<string>(10, 100, 60_000, () => now);
    lru.set("a", "A", 1);
    now = 59_999;
    expect(lru.get("a")).toBe("A");
    now = 60_000;
    expect(lru.get("a")).toBeUndefined();
    expect(lru.size).toBe(0);
  });
});
