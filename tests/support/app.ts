import type { Server } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { ServerBuild } from "@remix-run/node";
import { pino } from "pino";
import type { OpenOptions } from "../../db/client.server";
import { createApp } from "../../server/app";
import { createTestDatabase, type TestDatabase } from "./db";
import { createImportGate, type ImportGate } from "./import-gate";

const root = path.resolve(import.meta.dirname, "../..");

export interface TestApp {
  url: string;
  database: TestDatabase;
  client: (options?: { ip?: string; locale?: "zh-CN" | "en" }) => HttpClient;
  close(): Promise<void>;
}

/**
 * The production server build (`remix build`, as `npm test` runs first) served over real HTTP on
 * loopback by the production server's own Express app (server/app.ts: headers, client address,
 * compression, request log), in this process, on a clean database of its own, seeded with the demo
 * unless told otherwise; a logger sees every query the server sends through drizzle. The request log
 * is silent unless LOG_LEVEL says otherwise. The proxy trust is TRUST_PROXY's when the app starts
 * (the test setup trusts one hop, so a client's `ip` option is its X-Forwarded-For).
 */
export async function startApp(
  options: { seed?: boolean; logger?: OpenOptions["logger"]; trustProxy?: number; requestLog?: pino.DestinationStream } = {},
): Promise<TestApp> {
  const database = await createTestDatabase({ logger: options.logger, seeded: options.seed !== false });
  const build = (await import(pathToFileURL(path.join(root, "build/index.js")).href)) as ServerBuild;
  const { app } = createApp({
    build,
    trustProxy: options.trustProxy ?? Number(process.env.TRUST_PROXY ?? 0),
    appUrl: undefined,
    logger: options.requestLog ? pino({ level: "info" }, options.requestLog) : pino({ level: process.env.LOG_LEVEL ?? "silent" }),
    publicDir: path.join(root, "public"),
    mode: "production",
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    url,
    database,
    client: (clientOptions) => new HttpClient(url, clientOptions),
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await database.drop();
    },
  };
}

export type FormInput = Record<string, string | number | boolean | undefined>;

/** fetch with a cookie jar and no redirect following, as a browser without JavaScript would post. */
export class HttpClient {
  cookies = new Map<string, string>();
  constructor(
    readonly base: string,
    readonly options: { ip?: string; locale?: "zh-CN" | "en" } = {},
  ) {
    if (options.locale) this.cookies.set("lng", options.locale);
  }

  private headers(extra: Record<string, string> = {}) {
    const headers: Record<string, string> = { ...extra };
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    if (this.options.ip) headers["x-forwarded-for"] = this.options.ip;
    return headers;
  }

  private remember(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";");
      const index = pair.indexOf("=");
      const name = pair.slice(0, index).trim();
      const value = pair.slice(index + 1).trim();
      const expired = attributes.some((a) => /max-age=0/i.test(a.trim()) || /expires=Thu, 01 Jan 1970/i.test(a.trim()));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  async get(pathname: string, headers: Record<string, string> = {}) {
    const send = () => fetch(this.base + pathname, { headers: this.headers(headers), redirect: "manual" });
    // A browser retries an idempotent request once when the server closed the kept-alive socket under
    // it; that happens here when PGlite, which runs in the server's thread, holds it through a long query.
    return this.remember(
      await send().catch((error: Error & { cause?: { code?: string } }) => (error.cause?.code === "ECONNRESET" ? send() : Promise.reject(error))),
    );
  }

  /** GET a route's loader data as JSON (Remix's `?_data=` protocol). */
  async data(pathname: string, routeId: string) {
    const sep = pathname.includes("?") ? "&" : "?";
    return this.get(`${pathname}${sep}_data=${encodeURIComponent(routeId)}`);
  }

  async post(pathname: string, form: FormInput | URLSearchParams | FormData, headers: Record<string, string> = {}) {
    let body: URLSearchParams | FormData;
    if (form instanceof URLSearchParams || form instanceof FormData) body = form;
    else {
      body = new URLSearchParams();
      for (const [key, value] of Object.entries(form)) if (value !== undefined) body.append(key, String(value));
    }
    return this.remember(await fetch(this.base + pathname, { method: "POST", body, headers: this.headers(headers), redirect: "manual" }));
  }

  /** POST to a route's action and get its JSON answer (Remix's `?_data=` protocol). */
  async action(pathname: string, routeId: string, form: FormInput | URLSearchParams | FormData, headers: Record<string, string> = {}) {
    const sep = pathname.includes("?") ? "&" : "?";
    return this.post(`${pathname}${sep}_data=${encodeURIComponent(routeId)}`, form, headers);
  }

  async login(email: string, password = "demo-password-2026") {
    const response = await this.post("/login", { email, password });
    if (response.status !== 302) throw new Error(`login as ${email} failed: ${response.status} ${await response.text()}`);
    return response;
  }
}

/** An in-process app whose import runners pause at a new gate; `close()` ends both and unsets the gate. */
export async function startGatedApp(): Promise<{ app: TestApp; gate: ImportGate; close(): Promise<void> }> {
  const gate = await createImportGate();
  process.env.XCERT_IMPORT_GATE_DIR = gate.dir;
  const app = await startApp();
  return {
    app,
    gate,
    close: async () => {
      await app.close();
      await gate.close();
      delete process.env.XCERT_IMPORT_GATE_DIR;
    },
  };
}
