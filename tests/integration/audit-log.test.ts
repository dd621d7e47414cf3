import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { asApp, databaseError, owner } from "../support/db";

describe("audit log", () => {
  let app: TestApp;
  let tenantId: string;

  beforeAll(async () => {
    app = await startApp();
    [{ id: tenantId }] = await owner(app.database).rows<{ id: string }>(sql`select id from tenants where slug = 'demo-ai'`);
  });
  afterAll(() => app.close());

  it("records a mutation with actor, entity, before/after and request id, in the same transaction", async () => {
    const admin = app.client();
    await admin.login("org-admin@demo.xcert.test");
    const response = await admin.post("/w/demo-ai/members", { email: "audited@example.test", role: "editor" }, { "x-request-id": "req-audit-1" });
    expect(response.status).toBe(200);
    const [entry] = await owner(app.database).rows<{
      action: string;
      entity_type: string;
      after: { email: string; token_hash?: string };
      actor_role: string;
      request_id: string;
    }>(sql`select * from audit_log where request_id = 'req-audit-1'`);
    expect(entry).toMatchObject({ action: "invitation.create", entity_type: "invitation", actor_role: "admin" });
    expect(entry.after.email).toBe("audited@example.test");
    expect(entry.after.token_hash).toBeUndefined();
    const [login] = await owner(app.database).rows<{ action: string }>(sql`select action from account_audit_log where action = 'login.succeeded' limit 1`);
    expect(login.action).toBe("login.succeeded");
  });

  it("cannot be changed or removed by the app role", async () => {
    for (const statement of [sql`update audit_log set action = 'x'`, sql`delete from audit_log`, sql`truncate audit_log`]) {
      expect(await databaseError(asApp({ tenantId, role: "admin" }, (tx) => tx.execute(statement)))).toMatch(/permission denied/);
    }
    for (const statement of [sql`update account_audit_log set action = 'x'`, sql`delete from account_audit_log`]) {
      expect(await databaseError(asApp({ role: "system" }, (tx) => tx.execute(statement)))).toMatch(/permission denied/);
    }
  });

  it("cannot be changed or removed even by the owner: triggers reject UPDATE, DELETE and TRUNCATE", async () => {
    const count = await owner(app.database).count("audit_log");
    expect(count).toBeGreaterThan(0);
    for (const table of ["audit_log", "account_audit_log"]) {
      for (const statement of [`update ${table} set action = 'x'`, `delete from ${table}`, `truncate ${table}`]) {
        expect(await databaseError(app.database.db.execute(sql.raw(statement))), statement).toMatch(/append-only/);
      }
    }
    expect(await owner(app.database).count("audit_log")).toBe(count);
  });
});
