import { randomBytes } from "node:crypto";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { creditCodeCheckChar } from "../../app/modules/tenancy/credit-code";
import { startServer, type ServerProcess } from "../support/server-process";

// Browser journeys: Debian's Chromium, headless, driving the real production server process
// (remix-serve ./build/index.js, demo mode, demo data seeded) on a database of its own.

const password = "demo-password-2026";
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

let server: ServerProcess;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** Problems the page reports: script errors, console errors (CSP violations among them). */
const problems = new Map<Page, string[]>();

/** A page in a fresh browser context; `language` pre-sets the language cookie, as a browser that already chose would. */
async function newPage(options: { language?: "zh-CN" | "en" } = {}): Promise<Page> {
  const context = await browser.newContext({ baseURL: server.url, locale: "zh-CN", viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  if (options.language) await context.addCookies([{ name: "lng", value: options.language, url: server.url }]);
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const list: string[] = [];
  problems.set(page, list);
  page.on("pageerror", (error) => list.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() !== "error") return;
    const url = message.location().url;
    // The browser asks for /favicon.ico on its own; the app has none (reported, harmless).
    if (/Failed to load resource/.test(message.text()) && new URL(url || server.url).pathname === "/favicon.ico") return;
    list.push(`console: ${message.text()}${url ? ` (${url})` : ""}`);
  });
  // Pages and assets that fail: an action answering 4xx to a bad submission is expected, nothing else.
  page.on("response", (response) => {
    const request = response.request();
    if (response.status() >= 500 || (response.status() >= 400 && request.resourceType() !== "fetch" && request.method() === "GET" && new URL(response.url()).pathname !== "/favicon.ico"))
      list.push(`${response.status()} ${request.method()} ${response.url()}`);
  });
  return page;
}

/** Waits (up to 10 s: two cores, other suites running) until the value matches. */
function poll<T>(fn: () => Promise<T> | T) {
  return expect.poll(fn, { timeout: 10_000, interval: 50 });
}

function expectNoProblems(page: Page) {
  expect(problems.get(page) ?? []).toEqual([]);
}

/** Resolves once React has hydrated the page (Remix's client is live). */
async function hydrated(page: Page) {
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return Boolean(main && Object.keys(main).some((key) => key.startsWith("__react")));
  });
}

async function open(page: Page, pathname: string) {
  await page.goto(pathname);
  await hydrated(page);
}

async function htmlLang(page: Page) {
  return page.locator("html").getAttribute("lang");
}

async function login(page: Page, email: string) {
  await open(page, "/login");
  const form = page.locator("form#login");
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="password"]').fill(password);
  await form.locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname !== "/login");
}

async function logout(page: Page) {
  await page.locator('form[action="/logout"] button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === "/");
  await poll(() => page.locator('[data-testid="current-user"]').count()).toBe(0);
}

beforeAll(async () => {
  [server, browser] = await Promise.all([
    startServer(),
    chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    }),
  ]);
});

afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => {});
  await browser?.close().catch(() => {});
  await server?.stop();
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
    await page.waitForURL((url) => url.pathname === `/w/${values.slug}`);
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
});
