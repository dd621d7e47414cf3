import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicCacheControl } from "../../app/modules/public-cache/public-cache.server";
import { startApp, type HttpClient, type TestApp } from "../support/app";
import { owner } from "../support/db";
import { send, urlencoded } from "../support/raw-post";

// The HTTP server of issue 18 (server/app.ts, decisions 023 and 024), over real HTTP: the headers of
// every kind of answer, compression, cross-origin posts, the webhook's body limit and the client
// address with and without a proxy in front. The process around it (log lines, workers, SIGTERM) is
// tests/integration/server-process.test.ts.

const MB = 1024 * 1024;

describe("the server's answers", () => {
  let app: TestApp;
  let editor: HttpClient;
  let finance: HttpClient;
  const db = () => owner(app.database);
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    app = await startApp();
    editor = app.client();
    await editor.login("org-editor@demo.xcert.test");
    finance = app.client();
    await finance.login("org-finance@demo.xcert.test");
    const [version] = await db().rows<{ id: string }>(
      sql`select v.id from standard_versions v join tenants t on t.id = v.tenant_id where t.slug = 'demo-ai' and v.status = 'published' limit 1`,
    );
    const [attachment] = await db().rows<{ id: string; material_id: string }>(
      sql`select a.id, a.material_id from material_attachments a join tenants t on t.id = a.tenant_id where t.slug = 'demo-ai' limit 1`,
    );
    const [certificate] = await db().rows<{ id: string }>(sql`select id from certificates where code = 'AI-TRAINER'`);
    Object.assign(ids, { version: version.id, attachment: attachment.id, material: attachment.material_id, certificate: certificate.id });
    // An import that ends at once (an empty file): its event stream has one event and ends.
    const form = new FormData();
    form.append("certificateId", ids.certificate);
    form.append("file", new Blob(["\uFEFF"]), "空.csv");
    const upload = await editor.post("/w/demo-ai/questions/import", form);
    expect(upload.status, await upload.clone().text()).toBe(302);
    ids.job = upload.headers.get("location")!.split("/").at(-1)!;
  });
  afterAll(async () => {
    await app.close();
  });

  const common = (response: Response, what: string) => {
    expect(response.headers.get("x-content-type-options"), what).toBe("nosniff");
    expect(response.headers.get("referrer-policy"), what).toBe("same-origin");
    expect(response.headers.get("x-frame-options"), what).toBe("DENY");
    expect(response.headers.get("x-request-id"), what).toMatch(/^[0-9a-f-]{36}$/);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp, what).toContain("frame-ancestors 'none'");
    expect(csp, what).toContain("base-uri 'none'");
    expect(csp, what).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}'/);
    // Served over http here (APP_URL is not https): no HSTS, which would pin a plain-http host.
    expect(response.headers.get("strict-transport-security"), what).toBeNull();
    expect(response.headers.get("x-powered-by"), what).toBeNull();
  };

  it("sets the security headers on every kind of answer, and no-store on every private one", async () => {
    const walk: { what: string; client: HttpClient; path: string; status: number; type: RegExp; cache: string | null }[] = [
      { what: "document", client: editor, path: "/w/demo-ai/questions", status: 200, type: /^text\/html/, cache: "no-store" },
      {
        what: "data request",
        client: editor,
        path: "/w/demo-ai/questions?_data=routes%2Fw.%24slug.questions._index",
        status: 200,
        type: /^application\/json/,
        cache: "no-store",
      },
      { what: "resource route", client: editor, path: "/w/demo-ai/questions/template", status: 200, type: /spreadsheetml|csv/, cache: "no-store" },
      { what: "CSV export", client: finance, path: "/w/demo-ai/export/fees?format=csv", status: 200, type: /^text\/csv/, cache: "no-store" },
      { what: "XLSX export", client: editor, path: `/w/demo-ai/standards/${ids.version}/export.xlsx`, status: 200, type: /spreadsheetml/, cache: "no-store" },
      {
        what: "exam bank export",
        client: editor,
        path: `/w/demo-ai/questions/export?format=xlsx&certificate=${ids.certificate}`,
        status: 200,
        type: /spreadsheetml/,
        cache: "no-store",
      },
      { what: "JSON API", client: app.client(), path: "/api/v1/fee-disclosures", status: 200, type: /^application\/json/, cache: publicCacheControl },
      {
        what: "event stream",
        client: editor,
        path: `/w/demo-ai/questions/import/${ids.job}/events`,
        status: 200,
        type: /^text\/event-stream/,
        cache: "no-store",
      },
      {
        what: "attachment",
        client: editor,
        path: `/w/demo-ai/materials/${ids.material}/attachments/${ids.attachment}`,
        status: 200,
        type: /./,
        cache: "private, no-store",
      },
      { what: "error page", client: app.client(), path: "/no-such-page", status: 404, type: /^text\/html/, cache: null },
      { what: "error page, signed in", client: editor, path: "/w/demo-ai/no-such-page", status: 404, type: /^text\/html/, cache: "no-store" },
      { what: "public document", client: app.client(), path: "/fees", status: 200, type: /^text\/html/, cache: publicCacheControl },
    ];
    for (const step of walk) {
      const response = await step.client.get(step.path);
      const body = await response.text();
      expect(response.status, `${step.what}: ${body.slice(0, 200)}`).toBe(step.status);
      expect(response.headers.get("content-type"), step.what).toMatch(step.type);
      common(response, step.what);
      if (step.cache === null) expect(response.headers.get("cache-control") ?? "", step.what).not.toMatch(/no-store|public/);
      else expect(response.headers.get("cache-control"), step.what).toBe(step.cache);
    }
  });

  it("puts the document's own nonce on its scripts, and a new one on every answer", async () => {
    const first = await app.client().get("/login");
    const second = await app.client().get("/login");
    const nonceOf = (response: Response) => /'nonce-([^']+)'/.exec(response.headers.get("content-security-policy") ?? "")?.[1];
    const html = await first.text();
    expect(nonceOf(first)).toBeTruthy();
    expect(nonceOf(first)).not.toBe(nonceOf(second));
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const attributes of scripts) expect(attributes).toContain(`nonce="${nonceOf(first)}"`);
  });

  it("serves browser assets from /build for a year, immutable, and a missing one as a plain 404", async () => {
    const html = await (await app.client().get("/login")).text();
    const asset = /href="(\/build\/[^"]+\.css)"/.exec(html)![1];
    const response = await fetch(app.url + asset, { headers: { "accept-encoding": "gzip" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    common(response, "asset");
    const missing = await fetch(`${app.url}/build/no-such-file.js`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("Not found");
  });

  it("compresses HTML, JSON and CSV over 1 KB with gzip or brotli, and not small answers", async () => {
    for (const [path, client] of [
      ["/fees", app.client()],
      ["/api/v1/fee-disclosures", app.client()],
      ["/fees.csv", app.client()],
      ["/w/demo-ai/questions?_data=routes%2Fw.%24slug.questions._index", editor],
    ] as const) {
      const plain = await client.get(path, { "accept-encoding": "identity" });
      const text = await plain.text();
      expect(plain.headers.get("content-encoding"), path).toBeNull();
      expect(Buffer.byteLength(text), path).toBeGreaterThan(1024);
      for (const [encoding, decode] of [
        ["br", brotliDecompressSync],
        ["gzip", gunzipSync],
      ] as const) {
        // Node's fetch would decode it; a raw read shows what was sent.
        const { status, headers, body } = await rawGet(app.url, path, { "accept-encoding": encoding, cookie: cookieOf(client) });
        expect(status, path).toBe(200);
        expect(headers["content-encoding"], `${path} ${encoding}`).toBe(encoding);
        expect(headers.vary, path).toMatch(/accept-encoding/i);
        expect(body.length, path).toBeLessThan(Buffer.byteLength(text));
        // The same answer once decoded (a document differs only by its per-answer nonce).
        const decoded = decode(body)
          .toString("utf8")
          .replace(/nonce="[^"]+"/g, "");
        expect(Math.abs(Buffer.byteLength(decoded) - Buffer.byteLength(text.replace(/nonce="[^"]+"/g, ""))), path).toBeLessThan(8);
      }
    }
    const small = await rawGet(app.url, "/healthz", { "accept-encoding": "br, gzip" });
    expect(small.headers["content-encoding"]).toBeUndefined();
  });

  it("streams server-sent events uncompressed, as written", async () => {
    const { headers, body } = await rawGet(app.url, `/w/demo-ai/questions/import/${ids.job}/events`, {
      "accept-encoding": "br, gzip",
      cookie: cookieOf(editor),
    });
    expect(headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(headers["content-encoding"]).toBeUndefined();
    // The stream runs until the job's end, whatever it showed first (queued while its runner starts).
    expect(body.toString("utf8")).toMatch(/^event: progress\ndata: \{"status":"/);
    expect(body.toString("utf8")).toMatch(/event: progress\ndata: \{"status":"failed"/);
  });

  it("answers a cross-origin form post 403 with the app's page, and writes nothing", async () => {
    const before = { attempts: await db().count("login_attempts"), audit: await db().count("audit_log"), sessions: await db().count("sessions") };
    const foreign: Record<string, string>[] = [
      { origin: "https://evil.example" },
      { origin: "null" },
      { "sec-fetch-site": "cross-site" },
      { origin: app.url, "sec-fetch-site": "same-site" },
    ];
    for (const headers of foreign) {
      const login = await app.client().post("/login", { email: "org-admin@demo.xcert.test", password: "demo-password-2026" }, headers);
      expect(login.status, JSON.stringify(headers)).toBe(403);
      expect(login.headers.getSetCookie()).toEqual([]);
      const page = await login.text();
      expect(page).toContain("<!DOCTYPE html>");
      expect(page).toContain("没有权限");
      common(login, "refused post");
      const data = await editor.action("/w/demo-ai/questions/new", "routes/w.$slug.questions.new", { stem: "跨站" }, headers);
      expect(data.status).toBe(403);
    }
    expect({ attempts: await db().count("login_attempts"), audit: await db().count("audit_log"), sessions: await db().count("sessions") }).toEqual(before);
  });

  it("refuses a Stripe webhook body declared over 1 MB with 413 before reading it, and a chunked one as it arrives", async () => {
    const body = urlencoded({}, { field: "x", bytes: 2 * MB });
    const declared = await send(app.url, "/webhooks/stripe", body, { stopAfter: 1 });
    expect(declared.status).toBe(413);
    expect(declared.sent).toBeLessThan(1024);
    const before = await db().count("stripe_events");
    const chunked = await send(app.url, "/webhooks/stripe", body, { chunked: true });
    expect(chunked.status).toBe(413);
    expect(await db().count("stripe_events")).toBe(before);
  });
});

describe("the client address", () => {
  const failures = async (client: HttpClient, count: number, headers: (i: number) => Record<string, string>) => {
    const statuses: number[] = [];
    for (let i = 0; i < count; i++)
      statuses.push((await client.post("/login", { email: `nobody-${i}-${Date.now()}@example.test`, password: "wrong-password-1" }, headers(i))).status);
    return statuses;
  };

  describe("without a proxy (TRUST_PROXY=0, the default)", () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp({ seed: false, trustProxy: 0 });
    });
    afterAll(async () => {
      await app.close();
    });

    it("is the socket's peer: the per-IP login limit holds whatever X-Forwarded-For a client sends", async () => {
      const client = app.client();
      const statuses = await failures(client, 20, (i) => ({ "x-forwarded-for": `198.51.100.${i}` }));
      expect(statuses.every((s) => s === 400 || s === 401)).toBe(true);
      // The 21st failure from this socket is refused, though it claims yet another address.
      expect((await failures(client, 1, () => ({ "x-forwarded-for": "198.51.100.250" })))[0]).toBe(429);
      const recorded = await owner(app.database).rows<{ ip: string }>(sql`select distinct host(ip) as ip from login_attempts`);
      expect(recorded).toEqual([{ ip: "127.0.0.1" }]);
    });

    it("ignores a client's X-Request-Id", async () => {
      const response = await app.client().get("/healthz", { "x-request-id": "chosen-by-the-client" });
      expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe("behind one proxy (TRUST_PROXY=1)", () => {
    let app: TestApp;
    beforeAll(async () => {
      app = await startApp({ seed: false, trustProxy: 1 });
    });
    afterAll(async () => {
      await app.close();
    });

    it("is the right-most X-Forwarded-For hop, never the left-most a client writes", async () => {
      const client = app.client();
      // The client forges a different first hop each time; the proxy appends the address it saw.
      const statuses = await failures(client, 20, (i) => ({ "x-forwarded-for": `10.9.8.${i}, 203.0.113.7` }));
      expect(statuses.every((s) => s === 400 || s === 401)).toBe(true);
      expect((await failures(client, 1, () => ({ "x-forwarded-for": "10.9.8.250, 203.0.113.7" })))[0]).toBe(429);
      // Another client behind the same proxy is not limited by the first one's failures.
      expect((await failures(client, 1, () => ({ "x-forwarded-for": "203.0.113.7, 203.0.113.8" })))[0]).not.toBe(429);
      const recorded = await owner(app.database).rows<{ ip: string; n: number }>(
        sql`select host(ip) as ip, count(*)::int as n from login_attempts group by 1 order by 1`,
      );
      expect(recorded).toEqual([
        { ip: "203.0.113.7", n: 20 },
        { ip: "203.0.113.8", n: 1 },
      ]);
    });

    it("keeps the proxy's X-Request-Id", async () => {
      const response = await app.client().get("/healthz", { "x-request-id": "proxy-id-42" });
      expect(response.headers.get("x-request-id")).toBe("proxy-id-42");
    });
  });
});

function cookieOf(client: HttpClient) {
  return [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
}

/** A GET whose body is returned as sent (fetch would decode a compressed one). */
async function rawGet(base: string, path: string, headers: Record<string, string>) {
  const { request } = await import("node:http");
  return new Promise<{ status: number; headers: Record<string, string | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request(base + path, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string | undefined>, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
