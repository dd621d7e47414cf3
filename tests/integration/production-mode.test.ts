import { randomBytes } from "node:crypto";
import { createPglite } from "../../db/client.server";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditCodeCheckChar } from "../../app/modules/tenancy/credit-code";
import { childEnv, createServerDatabase, runCommand, runScript, startServer, type ServerDatabase, type ServerProcess } from "../support/server-process";

// The real server process in production proper: NODE_ENV=production, XCERT_DEMO unset. No demo
// conveniences (no /dev/mail), `__Host-` session cookies, and the demo seed refuses to run, so the
// database is migrated with db/migrate.ts and the account comes from the sign-up form.

// Production needs its own key for the second factor (decision 031); a test key here.
const production = { NODE_ENV: "production", XCERT_DEMO: undefined, XCERT_SECOND_FACTOR_KEY: "5f".repeat(32) };
const tables = ["tenants", "users", "memberships", "sessions", "audit_log", "email_outbox"];

let database: ServerDatabase;
let server: ServerProcess | undefined;
let refusedSeed: Awaited<ReturnType<typeof runCommand>>;
let rowsAfterRefusedSeed: Record<string, number>;

/** Row counts as the database owner, the server not running (PGlite allows one process per directory). */
async function countRows(): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  if (database.kind === "pglite") {
    const pg = await createPglite({ dataDir: database.dir! });
    try {
      for (const table of tables) counts[table] = (await pg.query<{ n: number }>(`select count(*)::int as n from ${table}`)).rows[0].n;
    } finally {
      await pg.close();
    }
  } else {
    const sql = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      for (const table of tables) counts[table] = (await sql.unsafe<{ n: number }[]>(`select count(*)::int as n from ${table}`))[0].n;
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
  return counts;
}

/** The path of the newest sign-up link mailed to an address, read as the owner with the server stopped. */
async function verificationPathFor(email: string): Promise<string> {
  const statement = `select text from email_outbox where template = 'signup-verification' and "to" = '${email.replace(/'/g, "''")}' order by created_at desc limit 1`;
  let text: string | undefined;
  if (database.kind === "pglite") {
    const pg = await createPglite({ dataDir: database.dir! });
    try {
      text = (await pg.query<{ text: string }>(statement)).rows[0]?.text;
    } finally {
      await pg.close();
    }
  } else {
    const sql = postgres(database.url!, { max: 1, onnotice: () => {} });
    try {
      text = (await sql.unsafe<{ text: string }[]>(statement))[0]?.text;
    } finally {
      await sql.end({ timeout: 5 });
    }
  }
  const path = /\/signup\/verify\/[A-Za-z0-9_-]{43}/.exec(text ?? "")?.[0];
  if (!path) throw new Error(`no sign-up link mailed to ${email}: ${text}`);
  return path;
}

function sessionCookie(response: Response) {
  const lines = response.headers.getSetCookie();
  const line = lines.find((l) => l.startsWith("__Host-xcert_session="));
  if (!line) throw new Error(`no __Host-xcert_session cookie in ${JSON.stringify(lines)}`);
  const [pair, ...rest] = line.split(";").map((part) => part.trim());
  const attributes = new Map(rest.map((a) => [a.split("=")[0].toLowerCase(), a.includes("=") ? a.slice(a.indexOf("=") + 1) : true] as const));
  return { lines, pair, value: pair.slice(pair.indexOf("=") + 1), attributes };
}

function expectHostCookie(cookie: ReturnType<typeof sessionCookie>) {
  expect(cookie.attributes.get("secure")).toBe(true);
  expect(cookie.attributes.get("httponly")).toBe(true);
  expect(String(cookie.attributes.get("samesite")).toLowerCase()).toBe("lax");
  expect(cookie.attributes.get("path")).toBe("/");
  // __Host- cookies must not name a domain.
  expect(cookie.attributes.has("domain")).toBe(false);
  // And the unprefixed development name is not used at all.
  expect(cookie.lines.some((l) => l.startsWith("xcert_session="))).toBe(false);
}

beforeAll(async () => {
  database = await createServerDatabase();
  await runScript("db/migrate.ts", childEnv(production, database.env));
  refusedSeed = await runCommand("npx", ["tsx", "db/seed/index.ts"], childEnv(production, database.env));
  rowsAfterRefusedSeed = await countRows();
  server = await startServer({ data: "none", database, env: production });
});

afterAll(async () => {
  await server?.stop();
  await database?.drop();
});

describe("production mode (NODE_ENV=production, no XCERT_DEMO)", () => {
  it("refuses the demo seed: non-zero exit, a refusal message, nothing written", () => {
    expect(refusedSeed.code).not.toBe(0);
    expect(refusedSeed.stdout + refusedSeed.stderr).toMatch(/refus/i);
    expect(refusedSeed.stdout + refusedSeed.stderr).toMatch(/NODE_ENV=production/);
    expect(rowsAfterRefusedSeed).toEqual(Object.fromEntries(tables.map((t) => [t, 0])));
  });

  it("refuses to start without XCERT_SECOND_FACTOR_KEY", async () => {
    const refused = await runCommand(
      "npx",
      ["tsx", "-e", "import('./app/env.server.ts').then((m) => m.env())"],
      childEnv(production, { XCERT_SECOND_FACTOR_KEY: undefined }),
    );
    expect(refused.code).not.toBe(0);
    expect(refused.stdout + refused.stderr).toMatch(/XCERT_SECOND_FACTOR_KEY is required in production/);
  });

  it("answers /healthz and has no /dev/mail", async () => {
    const health = await fetch(`${server!.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", db: "ok" });
    const mail = await fetch(`${server!.url}/dev/mail`, { redirect: "manual" });
    expect(mail.status).toBe(404);
    expect(await mail.text()).not.toContain('data-testid="dev-mail"');
  });

  it("signs up through the form and the emailed link, and logs in with a __Host- session cookie: Secure, HttpOnly, SameSite=Lax, Path=/", async () => {
    let url = server!.url;
    const suffix = randomBytes(4).toString("hex");
    // Hex digits (0-9, A-F) are all in the code's alphabet.
    const first17 = `91310106${randomBytes(5).toString("hex").toUpperCase().slice(0, 9)}`;
    const creditCode = first17 + creditCodeCheckChar(first17)!;
    const email = `prod-owner-${suffix}@example.test`;
    const password = "production-password-2026";
    let headers = { origin: url, "content-type": "application/x-www-form-urlencoded" };

    const sent = await fetch(`${url}/signup`, {
      method: "POST",
      redirect: "manual",
      headers,
      body: new URLSearchParams({
        kind: "organization",
        tenantName: "生产模式测试机构",
        slug: `prod-${suffix}`,
        creditCode,
        name: "生产测试",
        email,
        password,
      }),
    });
    expect(sent.status, await sent.clone().text()).toBe(200);
    // The link is in the outbox (no email provider here): read with the server stopped, PGlite
    // allowing one process per directory; then the same database is served again.
    await server!.stop();
    const link = await verificationPathFor(email);
    server = await startServer({ data: "none", database, env: production });
    url = server.url;
    headers = { origin: url, "content-type": "application/x-www-form-urlencoded" };
    expect((await fetch(`${url}${link}`, { redirect: "manual" })).status).toBe(200);
    const signup = await fetch(`${url}${link}`, { method: "POST", redirect: "manual", headers, body: "" });
    expect(signup.status, await signup.clone().text()).toBe(302);
    expect(signup.headers.get("location")).toBe(`/w/prod-${suffix}`);
    expectHostCookie(sessionCookie(signup));

    const login = await fetch(`${url}/login`, { method: "POST", redirect: "manual", headers, body: new URLSearchParams({ email, password }) });
    expect(login.status, await login.clone().text()).toBe(302);
    expect(login.headers.get("location")).toBe(`/w/prod-${suffix}`);
    const cookie = sessionCookie(login);
    expectHostCookie(cookie);
    expect(Number(cookie.attributes.get("max-age"))).toBeGreaterThan(0);

    // The server reads the prefixed cookie back: the new owner is known, and (no demo exemption
    // outside demo mode) sent to enrol a second factor before anything else.
    const workspace = await fetch(`${url}/w/prod-${suffix}`, { redirect: "manual", headers: { cookie: cookie.pair } });
    expect(workspace.status).toBe(302);
    expect(workspace.headers.get("location")).toBe("/account/second-factor");
    const enrolment = await fetch(`${url}/account/second-factor`, { redirect: "manual", headers: { cookie: cookie.pair } });
    expect(enrolment.status).toBe(200);
    expect(await enrolment.text()).toContain('data-testid="totp-secret"');

    // Logout clears it with the same attributes (a browser ignores a __Host- deletion without Secure and Path=/).
    const logout = await fetch(`${url}/logout`, { method: "POST", redirect: "manual", headers: { ...headers, cookie: cookie.pair } });
    expect(logout.status).toBe(302);
    const cleared = sessionCookie(logout);
    expect(cleared.value).toBe("");
    expectHostCookie(cleared);
    expect(Number(cleared.attributes.get("max-age") ?? 0)).toBe(0);
    const after = await fetch(`${url}/workspaces`, { redirect: "manual", headers: { cookie: cookie.pair } });
    expect(after.status).toBe(302);
    expect(after.headers.get("location")).toMatch(/^\/login/);
  });
});
