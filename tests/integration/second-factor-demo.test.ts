import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { creditCode } from "../support/demo";
import { enrolSecondFactor, totpCode } from "../support/second-factor";
import { signUpAndVerify } from "../support/signup";

// Demo mode (XCERT_DEMO=1, as tests/support/setup-file.ts sets): the accounts the seed made are exempt
// from the second factor, so a visitor tries everything with the password alone. The exemption is the
// seed's flag, not the look of an address: an owner who signs up, even with a demo-looking email, must
// enrol. A demo account can still enrol to see the flow. second-factor.test.ts covers XCERT_DEMO=0.

describe("second factor in demo mode (XCERT_DEMO=1)", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app.close();
  });

  it("lets the seeded committee, admin and finance accounts in with the password alone", async () => {
    expect(process.env.XCERT_DEMO).toBe("1");
    for (const [email, path] of [
      ["org-admin@demo.xcert.test", "/w/demo-ai/certificates"],
      ["org-finance@demo.xcert.test", "/w/demo-ai/orders"],
      ["committee@demo.xcert.test", "/committee/fees"],
    ] as const) {
      const client = app.client();
      const login = await client.login(email);
      expect(login.headers.get("location")).not.toBe("/login/second-factor");
      expect((await client.get(path)).status, email).toBe(200);
    }
  });

  it("sends a new owner to enrolment, whatever their address looks like", async () => {
    const client = app.client();
    const slug = `demo-like-${randomBytes(3).toString("hex")}`;
    const signup = await signUpAndVerify(client, {
      kind: "organization",
      tenantName: "演示模式新机构",
      slug,
      creditCode: creditCode(`91310106${randomBytes(5).toString("hex").toUpperCase().slice(0, 9)}`),
      name: "新所有者",
      email: `${slug}@demo.xcert.test`,
      password: "demo-like-password-2026",
    });
    expect(signup.headers.get("location")).toBe(`/w/${slug}`);
    const workspace = await client.get(`/w/${slug}`);
    expect(workspace.status).toBe(302);
    expect(workspace.headers.get("location")).toBe("/account/second-factor");
    await enrolSecondFactor(client);
    expect((await client.get(`/w/${slug}`)).status).toBe(200);
  });

  it("lets a demo account enrol to see the flow: then its login asks for the code", async () => {
    const admin = app.client();
    await admin.login("org2-admin@demo.xcert.test");
    const { secret } = await enrolSecondFactor(admin);
    const client = app.client();
    const login = await client.login("org2-admin@demo.xcert.test");
    expect(login.headers.get("location")).toBe("/login/second-factor");
    expect((await client.get("/w/demo-care")).headers.get("location")).toMatch(/^\/login/);
    const code = await client.post("/login/second-factor", { code: totpCode(secret, 1) });
    expect(code.headers.get("location")).toBe("/w/demo-care");
    expect((await client.get("/w/demo-care")).status).toBe(200);
  });
});
