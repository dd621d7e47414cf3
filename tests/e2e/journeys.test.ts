import { randomBytes } from "node:crypto";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditCodeCheckChar } from "../../app/modules/tenancy/credit-code";
import { addDays, shanghaiDate } from "../../app/ui/format";
import { demoPassword as password, expectNoProblems, hydrated, login, logout, open, poll, startJourney, type Journey } from "../support/browser";
import { enrolInBrowser } from "../support/second-factor";
import type { ServerProcess } from "../support/server-process";

// Browser journeys: Debian's Chromium, headless, driving the real production server process
// (server/index.ts over ./build/index.js, demo mode, demo data seeded) on a database of its own.

const codeAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";

function random(length: number, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789") {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** A fresh, valid 统一社会信用代码 (an enterprise in Shanghai Huangpu) and the same code with a wrong check character. */
function creditCodes() {
  const first17 = `91310101${random(9, codeAlphabet)}`;
  const check = creditCodeCheckChar(first17)!;
  const wrong = codeAlphabet[(codeAlphabet.indexOf(check) + 1) % codeAlphabet.length];
  return { valid: first17 + check, invalid: first17 + wrong };
}

let journey: Journey;
let server: ServerProcess;
const newPage = (options?: { language?: "zh-CN" | "en" }) => journey.newPage(options);

async function htmlLang(page: Page) {
  return page.locator("html").getAttribute("lang");
}

beforeAll(async () => {
  journey = await startJourney();
  server = journey.server;
});

afterAll(async () => {
  await journey?.close();
});

describe("browser journeys against the production server", () => {
  it("signs up a new organization: a bad credit code gets a Chinese field error and keeps the other values, then the workspace opens", async () => {
    const page = await newPage();
    const suffix = random(8);
    const codes = creditCodes();
    const values = {
      tenantName: `浦江职业技能评价有限公司${suffix}`,
      slug: `e2e-org-${suffix}`,
      name: "周测试",
      email: `owner-${suffix}@e2e.xcert.test`,
    };
    await open(page, "/signup");
    expect(await htmlLang(page)).toBe("zh-CN");
    await poll(() => page.locator("h1").textContent()).toBe("注册机构");
    const form = page.locator("form#signup");
    await form.locator('select[name="kind"]').selectOption("organization");
    await form.locator('input[name="tenantName"]').fill(values.tenantName);
    await form.locator('input[name="slug"]').fill(values.slug);
    await form.locator('input[name="creditCode"]').fill(codes.invalid);
    await form.locator('input[name="name"]').fill(values.name);
    await form.locator('input[name="email"]').fill(values.email);
    await form.locator('input[name="password"]').fill("e2e-password-2026");
    await form.locator('button[type="submit"]').click();

    const creditCode = form.locator('input[name="creditCode"]');
    const message = "统一社会信用代码无效（应为 18 位，且校验位正确）。";
    await page.getByText(message).waitFor();
    expect(new URL(page.url()).pathname).toBe("/signup");
    // The message belongs to the field: aria-invalid, and aria-describedby names the message.
    expect(await creditCode.getAttribute("aria-invalid")).toBe("true");
    const describedBy = (await creditCode.getAttribute("aria-describedby")) ?? "";
    const errorIds = describedBy.split(/\s+/).filter(Boolean);
    const fieldMessages = await Promise.all(errorIds.map((id) => page.locator(`[id="${id}"]`).textContent()));
    expect(fieldMessages.join(" ")).toContain(message);
    // Nothing else was lost.
    expect(await form.locator('select[name="kind"]').inputValue()).toBe("organization");
    expect(await form.locator('input[name="tenantName"]').inputValue()).toBe(values.tenantName);
    expect(await form.locator('input[name="slug"]').inputValue()).toBe(values.slug);
    expect(await creditCode.inputValue()).toBe(codes.invalid);
    expect(await form.locator('input[name="name"]').inputValue()).toBe(values.name);
    expect(await form.locator('input[name="email"]').inputValue()).toBe(values.email);
    // The other fields carry no error.
    for (const name of ["tenantName", "slug", "name", "email"]) {
      expect(await form.locator(`input[name="${name}"]`).getAttribute("aria-invalid")).not.toBe("true");
    }
    await page.screenshot({ path: "/tmp/xcert-e2e-signup-error.png", fullPage: true });

    await creditCode.fill(codes.valid);
    // A password the server answered is not sent back: fill it again if it was cleared.
    const passwordInput = form.locator('input[name="password"]');
    if ((await passwordInput.inputValue()) === "") await passwordInput.fill("e2e-password-2026");
    await form.locator('button[type="submit"]').click();
    // Decision 041: "check your inbox"; the emailed link (from /dev/mail) creates the workspace.
    await page.getByTestId("signup-sent").waitFor();
    expect(await page.getByTestId("signup-sent").textContent()).toContain(values.email);
    await open(page, "/dev/mail");
    const mail = page.locator('[data-testid="dev-mail"]').filter({ hasText: values.email });
    await poll(() => mail.count()).toBe(1);
    const link = /https?:\/\/[^\s\])>"]+\/signup\/verify\/[A-Za-z0-9_-]{43}/.exec((await mail.textContent()) ?? "")?.[0];
    expect(link).toBeTruthy();
    await open(page, new URL(link!).pathname);
    await page.locator("form#verify-signup button[type=submit]").click();
    // An organization's owner enrols a second factor before anything else (decision 031).
    await page.waitForURL((url) => url.pathname === "/account/second-factor");
    await enrolInBrowser(page);
    await open(page, `/w/${values.slug}`);
    await poll(() => page.locator('[data-testid="workspace-name"]').textContent()).toBe(values.tenantName);
    expect(await page.locator('[data-testid="current-user"]').textContent()).toBe(values.name);
    // The founder is the organization's owner.
    await page.locator("aside").getByText("培训评价组织 · 所有者").waitFor();

    // Styled: Tailwind's stylesheet loaded and applied (a CSP that blocked it would leave defaults).
    const styles = await page.evaluate(() => ({
      body: getComputedStyle(document.body).backgroundColor,
      header: getComputedStyle(document.querySelector("header")!).backgroundColor,
      stylesheets: document.styleSheets.length,
    }));
    expect(styles.body).toBe("rgb(249, 250, 251)"); // bg-gray-50
    expect(styles.header).toBe("rgb(255, 255, 255)"); // bg-white
    expect(styles.stylesheets).toBeGreaterThan(0);
    await page.screenshot({ path: "/tmp/xcert-e2e-workspace.png", fullPage: true });
    expectNoProblems(page);
  });

  it("switches an administrator to English and back; the choice survives reload, logout and a new login", async () => {
    const page = await newPage();
    await login(page, "org-admin@demo.xcert.test");
    expect(new URL(page.url()).pathname).toBe("/w/demo-ai");
    expect(await htmlLang(page)).toBe("zh-CN");
    await poll(() => page.locator('[data-testid="workspace-name"]').textContent()).toBe("上海智训人工智能科技有限公司");
    await page.getByRole("button", { name: "退出登录" }).waitFor();

    await page.locator('[data-testid="language-switch"]').click();
    await poll(() => htmlLang(page)).toBe("en");
    expect(new URL(page.url()).pathname).toBe("/w/demo-ai");
    await poll(() => page.locator('[data-testid="workspace-name"]').textContent()).toBe("Shanghai Zhixun AI Technology Co., Ltd.");
    await page.getByRole("button", { name: "Log out" }).waitFor();
    await page.getByRole("link", { name: "Members", exact: true }).waitFor();
    expect(await page.locator('[data-testid="language-switch"]').textContent()).toBe("中文");
    await page.screenshot({ path: "/tmp/xcert-e2e-english.png", fullPage: true });

    await page.reload();
    await hydrated(page);
    expect(await htmlLang(page)).toBe("en");
    await page.getByRole("button", { name: "Log out" }).waitFor();

    await logout(page);
    expect(await htmlLang(page)).toBe("en");
    await page.getByRole("link", { name: "Log in" }).first().waitFor();
    await login(page, "org-admin@demo.xcert.test");
    expect(await htmlLang(page)).toBe("en");
    await page.getByRole("link", { name: "Overview" }).waitFor();

    // Saved on the account too: a browser that never chose logs in to English.
    const other = await newPage();
    await open(other, "/login");
    expect(await htmlLang(other)).toBe("zh-CN");
    await login(other, "org-admin@demo.xcert.test");
    expect(new URL(other.url()).pathname).toBe("/w/demo-ai");
    await poll(() => htmlLang(other)).toBe("en");
    await other.getByRole("button", { name: "Log out" }).waitFor();

    // And back to Chinese.
    await page.locator('[data-testid="language-switch"]').click();
    await poll(() => htmlLang(page)).toBe("zh-CN");
    await page.getByRole("button", { name: "退出登录" }).waitFor();
    await poll(() => page.locator('[data-testid="workspace-name"]').textContent()).toBe("上海智训人工智能科技有限公司");
    await page.reload();
    await hydrated(page);
    expect(await htmlLang(page)).toBe("zh-CN");
    const third = await newPage();
    await login(third, "org-admin@demo.xcert.test");
    await poll(() => htmlLang(third)).toBe("zh-CN");
    expectNoProblems(page);
    expectNoProblems(other);
    expectNoProblems(third);
  });

  it("invites a colleague by email: the link from /dev/mail opens in another browser, the account is created with the invited role; logout locks the workspace", async () => {
    // Chinese whatever the account's saved choice (the language journey may have left it English).
    const admin = await newPage({ language: "zh-CN" });
    const invitee = `colleague-${random(8)}@e2e.xcert.test`;
    await login(admin, "org-admin@demo.xcert.test");
    await open(admin, "/w/demo-ai/members");
    const form = admin.locator("form#invite");
    await form.locator('input[name="email"]').fill(invitee);
    await form.locator('select[name="role"]').selectOption("editor");
    await form.locator('button[type="submit"]').click();
    await admin.getByText(`已向 ${invitee} 发送邀请。`).waitFor();
    await admin.getByText(invitee, { exact: true }).waitFor(); // in the pending list

    // The development mailbox of the same server.
    await open(admin, "/dev/mail");
    const mail = admin.locator('[data-testid="dev-mail"]').filter({ hasText: invitee });
    await poll(() => mail.count()).toBe(1);
    const body = (await mail.textContent()) ?? "";
    const link = /https?:\/\/[^\s\])>"]+\/join\/[^\s\])>"]+/.exec(body)?.[0];
    expect(link, body).toBeTruthy();
    expect(link!.startsWith(`${server.url}/join/demo-ai/`)).toBe(true);

    const page = await newPage();
    await page.goto(link!);
    await hydrated(page);
    await page.getByRole("heading", { name: "加入 上海智训人工智能科技有限公司" }).waitFor();
    await page.getByText(`邀请发送至 ${invitee}，角色：编辑。`).waitFor();
    const join = page.locator("form#join");
    await join.locator('input[name="name"]').fill("钱受邀");
    await join.locator('input[name="password"]').fill("invited-password-2026");
    await join.locator('button[type="submit"]').click();
    await page.waitForURL((url) => url.pathname === "/w/demo-ai");
    await poll(() => page.locator('[data-testid="workspace-name"]').textContent()).toBe("上海智训人工智能科技有限公司");
    expect(await page.locator('[data-testid="current-user"]').textContent()).toBe("钱受邀");
    await page.locator("aside").getByText("培训评价组织 · 编辑").waitFor();
    // An editor sees the members but cannot invite.
    await open(page, "/w/demo-ai/members");
    await page.getByText(invitee).first().waitFor();
    expect(await page.locator("form#invite").count()).toBe(0);

    // The link is single use.
    const again = await newPage();
    await again.goto(link!);
    await again.getByText("邀请链接无效、已使用或已过期。").waitFor();

    await logout(page);
    await page.getByRole("link", { name: "登录" }).first().waitFor();
    await page.goto("/workspaces");
    await page.waitForURL((url) => url.pathname === "/login");
    expect(new URL(page.url()).searchParams.get("redirectTo")).toBe("/workspaces");
    await page.getByRole("heading", { name: "登录" }).waitFor();
    expectNoProblems(admin);
    expectNoProblems(page);
  });

  it("logs in with the keyboard only: Tab to the fields, type, Tab to the button, Enter", async () => {
    const page = await newPage();
    await open(page, "/login");
    // Type only once the page is hydrated, as a person would after it finished loading.
    await page.waitForFunction(() => "__remixRouter" in window);
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement as HTMLInputElement | null;
        return el ? `${el.tagName.toLowerCase()}:${el.getAttribute("name") ?? ""}:${el.getAttribute("type") ?? ""}:${el.closest("form")?.id ?? ""}` : "";
      });
    let steps = 0;
    while ((await focused()) !== "input:email:email:login") {
      await page.keyboard.press("Tab");
      if (++steps > 20) throw new Error(`Tab never reached the email field (last focus ${await focused()})`);
    }
    await page.keyboard.type("org-editor@demo.xcert.test");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("input:password:password:login");
    await page.keyboard.type(password);
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("button::submit:login");
    await page.keyboard.press("Enter");
    await page.waitForURL((url) => url.pathname === "/w/demo-ai", { timeout: 30_000 });
    await poll(() => page.locator('[data-testid="current-user"]').textContent()).toBe("李想");
    await page.locator("aside").getByText("培训评价组织 · 编辑").waitFor();
    expectNoProblems(page);
  });

  it("publishes a fee (refused above the cap first), shows it logged out, orders at the fee in force, pays by transfer, and the committee finds the order consistent", async () => {
    const today = shanghaiDate();
    const effective = addDays(today, 52);
    // The finance officer of demo-ai publishes ¥380 for the intermediate level; ¥520 is refused.
    const finance = await newPage({ language: "zh-CN" });
    await login(finance, "org-finance@demo.xcert.test");
    await open(finance, "/w/demo-ai/fees/new");
    const form = finance.locator("form#disclosure");
    await form.locator('select[name="certificateId"]').selectOption({ label: "AI-TRAINER · 人工智能训练师" });
    await form.locator('select[name="level"]').selectOption("intermediate");
    // The "teacher training is voluntary" notice belongs to teacher-training fees only.
    const voluntary = form.locator('[data-testid="teacher-training-notice"]');
    await form.locator('select[name="kind"]').selectOption("teacher_training");
    await voluntary.waitFor();
    await form.locator('select[name="kind"]').selectOption("assessment");
    await voluntary.waitFor({ state: "detached" });
    // Saving a draft and publishing do not look alike.
    expect(await form.getByRole("button", { name: "保存草稿" }).getAttribute("data-variant")).toBe("secondary");
    expect(await form.getByRole("button", { name: "发布公示" }).getAttribute("data-variant")).toBe("primary");
    await form.locator('input[name="amount"]').fill("520");
    await form.locator('input[name="effectiveFrom"]').fill(effective);
    await form.locator('textarea[name="includes"]').fill("理论考试与实操考核各一次，含证书工本费。");
    await form.locator('input[name="contact"]').fill("021-6482 0000");
    await form.getByRole("button", { name: "发布公示" }).click();
    await finance.getByText("考核费 ¥520.00 超过该等级的考核成本上限 ¥500.00。").waitFor();
    expect(await form.locator('input[name="amount"]').getAttribute("aria-invalid")).toBe("true");
    expect(new URL(finance.url()).pathname).toBe("/w/demo-ai/fees/new");
    await form.locator('input[name="amount"]').fill("380");
    await form.getByRole("button", { name: "发布公示" }).click();
    await finance.waitForURL((url) => /^\/w\/demo-ai\/fees\/[0-9a-f-]{36}$/.test(url.pathname));
    const disclosurePath = new URL(finance.url()).pathname;
    const disclosureId = disclosurePath.split("/").at(-1)!;
    await finance.getByText("已发布", { exact: true }).waitFor();
    expectNoProblems(finance);

    // Anyone, logged out, sees it announced on /fees and in the fee's history.
    const visitor = await newPage({ language: "zh-CN" });
    await open(visitor, "/fees?organization=demo-ai&kind=assessment");
    const upcoming = visitor.locator("tr", { hasText: "¥380.00" });
    await upcoming.first().waitFor();
    await visitor.goto(`/fees/${disclosureId}`);
    await hydrated(visitor);
    const history = visitor.locator("table");
    await history.getByText("¥380.00").first().waitFor();
    await history.getByText("¥350.00").first().waitFor();
    expect(await visitor.locator('[data-testid="current-user"]').count()).toBe(0);
    expectNoProblems(visitor);

    // The school orders 60 candidates: the unit price is today's fee, ¥350, not the announced one.
    const school = await newPage({ language: "zh-CN" });
    await login(school, "school-admin@demo.xcert.test");
    await open(school, "/w/demo-school/orders/new");
    const order = school.locator("form#order");
    const trainer = await order.locator('select[name="certificateId"] option', { hasText: "AI-TRAINER" }).getAttribute("value");
    await order.locator('select[name="certificateId"]').selectOption(trainer!);
    await order.locator('select[name="level"]').selectOption("intermediate");
    await order.locator('input[name="examSite"]').fill("上海城市职业技术学院 徐汇校区 实训楼 3 层");
    await order.locator('input[name="examDate"]').fill(addDays(today, 20));
    await order.locator('input[name="headcount"]').fill("60");
    await order.getByRole("button", { name: "提交订单" }).click();
    await school.waitForURL((url) => /^\/w\/demo-school\/orders\/[0-9a-f-]{36}$/.test(url.pathname));
    const orderId = new URL(school.url()).pathname.split("/").at(-1)!;
    await poll(() => school.locator('[data-testid="order-total"]').textContent()).toBe("¥21,000.00");
    expect(await school.locator('[data-testid="order-status"]').textContent()).toBe("待支付");
    await school.locator('input[name="reference"]').fill("ICBC 20261124-0060");
    await school.getByRole("button", { name: "登记转账" }).click();
    await school.getByText("转账已登记，等待对方确认。").waitFor();
    expectNoProblems(school);

    // The organization's finance role confirms the transfer: the order is paid.
    await open(finance, `/w/demo-ai/orders/${orderId}`);
    await finance.getByText("ICBC 20261124-0060").first().waitFor();
    await finance.getByRole("button", { name: "确认到账" }).click();
    await finance.getByText("已确认到账。").waitFor();
    await poll(() => finance.locator('[data-testid="order-status"]').textContent()).toBe("已支付");
    await school.reload();
    await hydrated(school);
    await poll(() => school.locator('[data-testid="order-status"]').textContent()).toBe("已支付");

    // The committee: the order is consistent (price as disclosed, paid in full), not among the findings.
    const committee = await newPage({ language: "zh-CN" });
    await login(committee, "committee@demo.xcert.test");
    await open(committee, `/committee/orders/${orderId}`);
    await poll(() => committee.locator('[data-testid="order-audit"]').getAttribute("data-consistent")).toBe("true");
    await open(committee, "/committee/fees");
    await committee.locator('[data-testid="finding"]').first().waitFor();
    expect(await committee.locator(`a[href="/committee/orders/${orderId}"]`).count()).toBe(0);
    expect(await committee.locator(`[data-testid="finding-count-demo-care"]`).count()).toBe(1);
    await committee.screenshot({ path: "/tmp/xcert-e2e-fee-audit.png", fullPage: true });
    expectNoProblems(finance);
    expectNoProblems(committee);
  });

  it("edits a skill standard draft with the keyboard: add a work area, see the client-side field error, move it, discard the draft", async () => {
    const page = await newPage({ language: "zh-CN" });
    await login(page, "org-editor@demo.xcert.test");
    await open(page, "/w/demo-ai/certificates");
    const certificate = await page.locator("main table a").first().getAttribute("href");
    await open(page, `${certificate}/standards`);
    await page.getByRole("button", { name: "基于第 2 版开始新草稿" }).click();
    await page.waitForURL((url) => /\/w\/demo-ai\/standards\/[0-9a-f-]{36}$/.test(url.pathname));
    await hydrated(page);
    const junior = page.locator('section[aria-labelledby="level-junior"]');
    await poll(() => junior.locator('[data-kind="work_area"]').count()).toBeGreaterThan(0);
    const areas = await junior.locator('[data-kind="work_area"]').count();
    // Open "add a work area" with the keyboard and submit it empty: the message comes from the client.
    const summary = junior.locator("summary", { hasText: "添加工作领域" });
    await summary.focus();
    await page.keyboard.press("Enter");
    const form = junior
      .locator("form")
      .filter({ has: page.locator('input[name="intent"][value="add"]') })
      .last();
    await form.locator('input[name="titleZh"]').focus();
    await page.keyboard.press("Enter");
    await poll(() => form.locator('[role="alert"]').first().textContent()).toBe("此项为必填项。");
    await page.keyboard.type("模型评测与优化");
    await page.keyboard.press("Enter");
    await poll(() =>
      junior
        .locator(`[data-kind="work_area"][data-code="${areas + 1}"]`)
        .first()
        .textContent(),
    ).toContain("模型评测与优化");
    // Move it up with the keyboard: it takes the code of the area before it.
    await junior.getByRole("button", { name: `上移 ${areas + 1}` }).focus();
    await page.keyboard.press("Enter");
    await poll(() => junior.locator(`[data-kind="work_area"][data-code="${areas}"]`).first().textContent()).toContain("模型评测与优化");
    await page.getByRole("button", { name: "放弃草稿" }).click();
    await page.waitForURL((url) => url.pathname.endsWith("/standards"));
    expectNoProblems(page);
  });

  it("renders and hydrates every page without a script error, for each kind of user", async () => {
    // A server-only value used by a component renders on the server and breaks after hydration:
    // only a browser sees it, so every page is opened in one.
    const visits: Record<string, string[]> = {
      "": ["/", "/fees", "/login", "/signup", "/forgot-password"],
      "org-admin@demo.xcert.test": [
        "/w/demo-ai",
        "/w/demo-ai/members",
        "/w/demo-ai/audit",
        "/w/demo-ai/certificates",
        "/w/demo-ai/certificates/new",
        "/w/demo-ai/fees",
        "/w/demo-ai/fees/new",
        "/w/demo-ai/orders",
        "/w/demo-ai/payments",
        "/workspaces",
        "/w/demo-ai/questions",
        "/w/demo-ai/questions/new",
        "/w/demo-ai/questions/import",
        "/w/demo-ai/coverage",
        "/w/demo-ai/search",
        "/w/demo-ai/materials",
        "/w/demo-ai/materials/new",
        "/w/demo-ai/cases",
        "/w/demo-ai/cases/new",
        "/w/demo-ai/cases/import",
      ],
      "school-admin@demo.xcert.test": ["/w/demo-school", "/w/demo-school/orders", "/w/demo-school/orders/new"],
      "committee@demo.xcert.test": ["/committee/fees", "/committee/banks", "/committee/settings", "/fees"],
    };
    for (const [email, paths] of Object.entries(visits)) {
      const page = await newPage({ language: "zh-CN" });
      if (email) await login(page, email);
      for (const path of paths) {
        await open(page, path);
        expect(new URL(page.url()).pathname, `${email} ${path}`).toBe(path);
        expect(await page.locator("main h1").count(), path).toBeGreaterThan(0);
      }
      expectNoProblems(page);
    }
    // Detail pages: one of each, reached from their lists.
    const admin = await newPage({ language: "zh-CN" });
    await login(admin, "org-admin@demo.xcert.test");
    for (const list of [
      "/w/demo-ai/fees",
      "/w/demo-ai/orders",
      "/w/demo-ai/certificates",
      "/fees",
      "/w/demo-ai/questions",
      "/w/demo-ai/materials",
      "/w/demo-ai/cases",
    ]) {
      await open(admin, list);
      const href = await admin.locator("main table a").first().getAttribute("href");
      expect(href, list).toBeTruthy();
      const detail = new URL(href!, `${server.url}${list}/`).pathname;
      await open(admin, detail);
      expect(new URL(admin.url()).pathname).toBe(detail);
      expect(await admin.locator("main h1").count(), detail).toBeGreaterThan(0);
    }
    // The skill standard of the first certificate: its versions, a version, the print view, the diff.
    await open(admin, "/w/demo-ai/certificates");
    const certificate = await admin.locator("main table a").first().getAttribute("href");
    await open(admin, `${certificate}/standards`);
    const version = await admin.locator('[data-testid="standard-version"] a').first().getAttribute("href");
    await open(admin, version!);
    const diff = await admin.locator('main a[href*="/standards/diff"]').first().getAttribute("href");
    for (const path of [`${version}/print`, diff!]) {
      await open(admin, path);
      expect(await admin.locator("main h1").count(), path).toBeGreaterThan(0);
    }
    expectNoProblems(admin);
    // Forty pages in a real browser: more than the default minute on a loaded 2-core machine.
  }, 300_000);
});
