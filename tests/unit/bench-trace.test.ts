import { describe, expect, it } from "vitest";
import { planOf, roundTrips, statementCount, type TraceLine } from "../bench/trace";

// The benchmark's floor replays a page's traced statements (decision 009): what the page sent in one
// event-loop turn (its `batch`) on one connection is sent together, everything else waits its turn.

let at = 0;
const line = (connection: number, batch: number, query: string): TraceLine => ({ at: at++, pid: 1, connection, batch, query, parameters: [], types: [] });

describe("benchmark trace", () => {
  it("groups a transaction's statements sent in one turn, never with BEGIN or across connections", () => {
    const plan = planOf("page", [
      line(1, 1, "begin"),
      line(1, 2, "select set_config('role', 'app_user', true)"),
      line(1, 2, "select 1 /* fees in force */"),
      line(2, 2, "select 2 /* another request's connection */"),
      line(1, 2, "select 3 /* announcements */"),
      line(1, 3, "select 4 /* after the results */"),
      line(1, 4, "commit"),
    ]);
    const [page, other] = plan.waves.flat();
    expect(page.statements.map((s) => Boolean(s.withPrevious))).toEqual([false, true, true, false]);
    expect(other.end).toBe("none");
    expect(other.statements[0].withPrevious).toBeUndefined();
    // BEGIN, the three sent together, the fourth, COMMIT; the lone statement outside a transaction.
    expect(roundTrips(plan)).toBe(5);
    expect(statementCount(plan)).toBe(7);
  });

  it("keeps every statement its own round trip in a trace without turns", () => {
    const lines = [line(1, 0, "begin"), line(1, 0, "select 1"), line(1, 0, "select 2"), line(1, 0, "commit")].map(({ batch: _, ...rest }) => rest);
    expect(roundTrips(planOf("old trace", lines))).toBe(4);
  });
});
