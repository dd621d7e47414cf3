// The floor: what a page would cost if the app added nothing to its SQL. A bare node:http server
// with a bare postgres.js pool (the same size as the app's) to the same database; GET /N replays
// plan N — the exact statements the server sent for that page in the warm-up run, same text, same
// parameters, in the same transactions (with `set local role app_user` and the set_config calls),
// concurrent where the page's were — and answers the rows as JSON.
// Usage: tsx tests/bench/floor.ts <plans.json> <port>   (DATABASE_URL: the benchmark database)
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import postgres from "postgres";
import { preparesStatement } from "../../db/prepare";
import { revive, type Plan, type Statement, type Transaction } from "./trace";

const [plansFile, port] = process.argv.slice(2);
const plans = (JSON.parse(readFileSync(plansFile, "utf8")) as Plan[]).map((plan) => ({
  ...plan,
  waves: plan.waves.map((wave) => wave.map((tx) => ({ ...tx, statements: tx.statements.map((s) => ({ ...s, parameters: s.parameters.map(revive) })) }))),
}));
const sql = postgres(process.env.DATABASE_URL!, { max: Number(process.env.DATABASE_POOL_SIZE ?? 10), onnotice: () => {} });

class Rollback {
  constructor(readonly rows: unknown[]) {}
}

function parametersOf(statement: Statement) {
  if (!statement.fresh) return statement.parameters;
  const parameters = [...statement.parameters];
  for (const i of statement.fresh) parameters[i] = randomBytes(32).toString("hex");
  return parameters as never[];
}

async function run(client: postgres.Sql | postgres.TransactionSql, statements: Statement[]) {
  const rows: unknown[] = [];
  // As the app sends them (db/prepare.ts): named prepared statements, unnamed with no or many
  // parameters; statements the page sent without waiting for each other are sent together.
  const groups: Statement[][] = [];
  for (const s of statements) {
    if (s.withPrevious && groups.length) groups[groups.length - 1].push(s);
    else groups.push([s]);
  }
  for (const group of groups)
    rows.push(
      ...(await Promise.all(group.map((s) => client.unsafe(s.query, parametersOf(s) as never[], { prepare: preparesStatement(s.parameters.length) })))),
    );
  return rows;
}

async function replay(tx: Transaction) {
  if (tx.end === "none") return run(sql, tx.statements);
  try {
    return await sql.begin(async (t) => {
      const rows = await run(t, tx.statements);
      if (tx.end === "rollback") throw new Rollback(rows);
      return rows;
    });
  } catch (error) {
    if (error instanceof Rollback) return error.rows;
    throw error;
  }
}

const server = createServer(async (request, response) => {
  const plan = plans[Number(request.url?.slice(1))];
  if (!plan) {
    response.writeHead(404).end();
    return;
  }
  try {
    const rows: unknown[] = [];
    for (const wave of plan.waves) rows.push(...(await Promise.all(wave.map(replay))));
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(rows));
  } catch (error) {
    response.writeHead(500, { "content-type": "text/plain" }).end(String((error as Error).message));
  }
});
server.keepAliveTimeout = 60_000;
server.listen(Number(port), "127.0.0.1", () => console.log(`floor listening on ${port}`));
for (const signal of ["SIGTERM", "SIGINT"] as const)
  process.once(signal, () => {
    server.close();
    void sql.end({ timeout: 2 }).finally(() => process.exit(0));
  });
