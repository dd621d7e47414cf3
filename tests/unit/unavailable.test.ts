import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable, serviceUnavailable } from "../../app/modules/tenancy/unavailable.server";

describe("a database out of reach", () => {
  it("is recognized through drizzle's wrapping, and only then", () => {
    const wrapped = (cause: object) => Object.assign(new Error("Failed query: select 1"), { cause });
    expect(isDatabaseUnavailable(wrapped(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" })))).toBe(true);
    expect(isDatabaseUnavailable(wrapped({ code: "CONNECTION_CLOSED" }))).toBe(true);
    expect(isDatabaseUnavailable(wrapped({ code: "57P01", message: "terminating connection due to administrator command" }))).toBe(true);
    expect(isDatabaseUnavailable(wrapped({ code: "08006" }))).toBe(true);
    expect(isDatabaseUnavailable({ code: "57P03" })).toBe(true);
    // A query's own fault is a bug or a conflict, not an outage.
    expect(isDatabaseUnavailable(wrapped({ code: "23505" }))).toBe(false);
    expect(isDatabaseUnavailable(wrapped({ code: "42601" }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError("x is undefined"))).toBe(false);
    expect(isDatabaseUnavailable(null)).toBe(false);
  });

  it("answers 503 with Retry-After and a plain message that reads as an error in logs", async () => {
    const response = serviceUnavailable();
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("5");
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await response.text()).toMatch(/服务暂时不可用.*\n.*Service temporarily unavailable/);
    expect((response as unknown as Error).message).toBe("database unavailable");
  });
});
