import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { expect } from "vitest";
import { startServer, type ServerProcess, type StartOptions } from "./server-process";

// Browser journeys: Debian's Chromium, headless, driving the real production server process
// (server/index.ts over ./build/index.js, demo mode, demo data seeded) on a database of its own.

import { demoPassword } from "../../db/seed/demo";

export { demoPassword };

/** Problems a page reports: script errors, console errors (CSP violations among them), failed loads. */
const problems = new Map<Page, string[]>();

export interface Journey {
  server: ServerProcess;
  browser: Browser;
  /** A page in a fresh browser context; `language` pre-sets the language cookie, as a browser that already chose would. */
  newPage(options?: { language?: "zh-CN" | "en" }): Promise<Page>;
  close(): Promise<void>;
}

export async function startJourney(options: StartOptions = {}): Promise<Journey> {
  const [server, browser] = await Promise.all([
    startServer(options),
    chromium.launch({
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    }),
  ]);
  const contexts: BrowserContext[] = [];
  return {
    server,
    browser,
    async newPage(pageOptions = {}) {
      const context = await browser.newContext({ baseURL: server.url, locale: "zh-CN", viewport: { width: 1280, height: 800 } });
      contexts.push(context);
      if (pageOptions.language) await context.addCookies([{ name: "lng", value: pageOptions.language, url: server.url }]);
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
        // Chrome logs every 4xx it fetched; an action refusing a bad submission (?_data=) is expected.
        if (/Failed to load resource: the server responded with a status of 4\d\d/.test(message.text()) && new URL(url || server.url).searchParams.has("_data"))
          return;
        list.push(`console: ${message.text()}${url ? ` (${url})` : ""}`);
      });
      // Pages and assets that fail: an action answering 4xx to a bad submission is expected, nothing else.
      page.on("response", (response) => {
        const request = response.request();
        if (
          response.status() >= 500 ||
          (response.status() >= 400 && request.resourceType() !== "fetch" && request.method() === "GET" && new URL(response.url()).pathname !== "/favicon.ico")
        )
          list.push(`${response.status()} ${request.method()} ${response.url()}`);
      });
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close().catch(() => {});
      await server.stop();
    },
  };
}

/** Waits (up to 10 s: two cores, other suites running) until the value matches. */
export function poll<T>(fn: () => Promise<T> | T, timeout = 10_000) {
  return expect.poll(fn, { timeout, interval: 50 });
}

export function expectNoProblems(page: Page) {
  expect(problems.get(page) ?? []).toEqual([]);
}

/** Resolves once React has hydrated the page (Remix's client is live). */
export async function hydrated(page: Page, options: { timeout?: number } = {}) {
  await page.waitForFunction(
    () => {
      const main = document.querySelector("main");
      return Boolean(main && Object.keys(main).some((key) => key.startsWith("__react")));
    },
    undefined,
    options,
  );
}

export async function open(page: Page, pathname: string, options: { timeout?: number } = {}) {
  await page.goto(pathname, options);
  await hydrated(page, options);
}

export async function login(page: Page, email: string) {
  await open(page, "/login");
  const form = page.locator("form#login");
  await form.locator('input[name="email"]').fill(email);
  await form.locator('input[name="password"]').fill(demoPassword);
  await form.locator('button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname !== "/login");
}

export async function logout(page: Page) {
  await page.locator('form[action="/logout"] button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname === "/");
  await poll(() => page.locator('[data-testid="current-user"]').count()).toBe(0);
}
