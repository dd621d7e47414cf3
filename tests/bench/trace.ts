// Reading the server's SQL trace (XCERT_SQL_TRACE, db/client.server.ts) into what the floor replays.
// A page is one or more transactions (Remix runs the root, layout and page loaders in parallel,
// each through the request wrapper); each is BEGIN … COMMIT on one connection. Transactions that
// overlapped in time ran concurrently and are replayed concurrently (a "wave"); one that started
// after another ended waited for it, so it is replayed after it.

export interface TraceLine {
  at: number;
  pid: number;
  connection: number;
  /** Statements of one connection with the same batch were sent without waiting for each other. */
  batch?: number;
  query: string;
  parameters: unknown[];
  types: unknown[];
}

export interface Statement {
  query: string;
  parameters: unknown[];
  /** Parameters that must be fresh per replay (a new session's token hash: the primary key). */
  fresh?: number[];
  /** Sent together with the statement before it (same batch): the floor pipelines them too. */
  withPrevious?: boolean;
}

export interface Transaction {
  /** How the page ended it: the floor ends it the same way. "none": a statement outside a transaction. */
  end: "commit" | "rollback" | "none";
  statements: Statement[];
  start: number;
  stop: number;
}

export interface Plan {
  name: string;
  waves: Transaction[][];
}

const isBegin = (q: string) => /^\s*begin\b/i.test(q);
const endOf = (q: string) => (/^\s*commit\b/i.test(q) ? "commit" : /^\s*rollback\b/i.test(q) ? "rollback" : null);
const tokenLike = /^[0-9a-f]{64}$/;

// A per-address rate limit's key (10.1.2.3, or "verify.ip|10.1.2.3" for its advisory lock, or take_verify_limit's): fresh per
// replay, as the page is driven from many addresses (decision 054), so the floor does not queue on one key.
const addressLike = /(^|\|)(\d{1,3}\.){3}\d{1,3}$/;

function statementOf(line: TraceLine, previous?: TraceLine): Statement {
  const limited = /rate_limit_hits|pg_advisory_xact_lock|take_verify_limit/i.test(line.query);
  const fresh = line.parameters.flatMap((p, i) =>
    typeof p === "string" && ((/^\s*insert\b/i.test(line.query) && tokenLike.test(p)) || (limited && addressLike.test(p))) ? [i] : [],
  );
  const withPrevious = previous !== undefined && line.batch !== undefined && previous.batch === line.batch;
  return { query: line.query, parameters: line.parameters, ...(fresh.length ? { fresh } : {}), ...(withPrevious ? { withPrevious } : {}) };
}

export function parseTrace(text: string): TraceLine[] {
  return text
    .split("\n")
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as TraceLine);
}

/** The transactions of one request's trace lines, grouped into waves of concurrent ones. */
export function planOf(name: string, lines: TraceLine[]): Plan {
  const transactions: Transaction[] = [];
  const open = new Map<string, Transaction>();
  const last = new Map<string, TraceLine>();
  for (const line of lines) {
    const key = `${line.pid}:${line.connection}`;
    const current = open.get(key);
    if (isBegin(line.query)) {
      const tx: Transaction = { end: "commit", statements: [], start: line.at, stop: line.at };
      open.set(key, tx);
      transactions.push(tx);
      continue;
    }
    const end = endOf(line.query);
    if (current && end) {
      current.end = end;
      current.stop = line.at;
      open.delete(key);
      continue;
    }
    if (current) {
      // The first statement after BEGIN is never pipelined with it: postgres.js awaits BEGIN.
      current.statements.push(statementOf(line, current.statements.length ? last.get(key) : undefined));
      last.set(key, line);
      current.stop = line.at;
    } else {
      transactions.push({ end: "none", statements: [statementOf(line)], start: line.at, stop: line.at });
    }
  }
  if (open.size) throw new Error(`${name}: a transaction was still open when the response ended`);
  transactions.sort((a, b) => a.start - b.start);
  const waves: Transaction[][] = [];
  for (const tx of transactions) {
    const wave = waves[waves.length - 1];
    if (wave && tx.start < Math.min(...wave.map((t) => t.stop))) wave.push(tx);
    else waves.push([tx]);
  }
  return { name, waves };
}

export function statementCount(plan: Plan) {
  return plan.waves.flat().reduce((n, tx) => n + tx.statements.length + (tx.end === "none" ? 0 : 2), 0);
}

/** Parameters as the trace wrote them (tagged dates, bytes, bigints) back to the JS values. */
export function revive(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(revive);
  if (value && typeof value === "object") {
    const v = value as Record<string, string>;
    if ("$date" in v) return new Date(v.$date);
    if ("$bytes" in v) return Buffer.from(v.$bytes, "base64");
    if ("$bigint" in v) return BigInt(v.$bigint);
  }
  return value;
}

/** Round trips to PostgreSQL: BEGIN, each group of statements sent together, COMMIT. */
export function roundTrips(plan: Plan) {
  return plan.waves.flat().reduce((n, tx) => n + tx.statements.filter((s) => !s.withPrevious).length + (tx.end === "none" ? 0 : 2), 0);
}
