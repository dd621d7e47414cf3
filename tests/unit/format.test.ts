import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatDay, formatFen } from "../../app/ui/format";

describe("formatters", () => {
  it("shows integer fen as yuan with two decimals", () => {
    expect(formatFen(128000)).toBe("¥1,280.00");
    expect(formatFen(5)).toBe("¥0.05");
    expect(formatFen(-38000)).toBe("-¥380.00");
    expect(() => formatFen(1.5)).toThrow();
    expect(formatFen(123456789012, "en")).toBe("¥1,234,567,890.12");
    expect(formatFen(123456789012, "zh-CN")).toBe("¥1,234,567,890.12");
  });

  it("shows a calendar day the same on every call, in each language", () => {
    for (let i = 0; i < 2; i++) {
      expect(formatDay("2026-05-18", "zh-CN")).toBe("2026/05/18");
      expect(formatDay("2026-05-18", "en")).toBe("18/05/2026");
      expect(formatDay("2026-12-31", "zh-CN")).toBe("2026/12/31");
    }
  });

  it("shows times in Asia/Shanghai whatever the server's zone", () => {
    const instant = new Date("2026-01-31T17:30:00Z");
    expect(formatDateTime(instant, "zh-CN")).toBe("2026/02/01 01:30");
    expect(formatDate(instant, "en")).toBe("01/02/2026");
  });
});
