import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";

// A local stand-in for the part of Stripe's API that XCert calls (app/modules/payments/stripe.server.ts):
// accounts (create, retrieve), account links, Checkout Sessions (create, retrieve) and refunds. It keeps
// what Stripe keeps for idempotency: a repeated Idempotency-Key with the same parameters answers the
// first response; with other parameters it is refused (400 idempotency_error), as Stripe does.
// Point the app at it with STRIPE_API_BASE; never talk to the real Stripe from tests.

export type Params = { [key: string]: string | Params | Params[] | string[] };

export interface StripeRequest {
  method: string;
  path: string;
  /** The connected account the call acts on (the Stripe-Account header), or null for the platform. */
  stripeAccount: string | null;
  idempotencyKey: string | null;
  authorization: string | null;
  params: Params;
  status: number;
}

export interface StripeDouble {
  url: string;
  requests: StripeRequest[];
  accounts: Map<string, Record<string, unknown>>;
  sessions: Map<string, Record<string, unknown>>;
  /** Changes what Stripe reports about an account (onboarding finished, capabilities activated). */
  updateAccount(id: string, changes: Record<string, unknown>): Record<string, unknown>;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

/** Stripe's form encoding (`line_items[0][price_data][currency]=cny`) back into objects and arrays. */
function decodeForm(body: string): Params {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, "").split("[");
    let node: Record<string, unknown> = root;
    path.forEach((part, index) => {
      if (index === path.length - 1) {
        node[part] = value;
        return;
      }
      const nextIsIndex = /^\d+$/.test(path[index + 1]);
      node[part] ??= nextIsIndex ? [] : {};
      node = node[part] as Record<string, unknown>;
    });
  }
  return root as Params;
}

const id = (prefix: string) => `${prefix}_test_${randomBytes(12).toString("hex")}`;
const now = () => Math.floor(Date.now() / 1000);

function error(status: number, type: string, message: string, extra: Record<string, unknown> = {}) {
  return { status, body: { error: { type, message, ...extra } } };
}

export async function startStripeDouble(): Promise<StripeDouble> {
  const requests: StripeRequest[] = [];
  const accounts = new Map<string, Record<string, unknown>>();
  const sessions = new Map<string, Record<string, unknown>>();
  // Stripe scopes idempotency keys per account: key → the parameters and the first answer.
  const replays = new Map<string, { params: string; status: number; body: unknown }>();

  const handle = (method: string, path: string, params: Params, stripeAccount: string | null): { status: number; body: unknown } => {
    if (method === "POST" && path === "/v1/accounts") {
      const account = {
        id: id("acct"),
        object: "account",
        type: params.type ?? "standard",
        country: "CN",
        default_currency: "cny",
        charges_enabled: false,
        payouts_enabled: false,
        details_submitted: false,
        capabilities: {},
        metadata: params.metadata ?? {},
        created: now(),
      };
      accounts.set(account.id, account);
      return { status: 200, body: account };
    }
    const accountPath = /^\/v1\/accounts\/([^/]+)$/.exec(path);
    if (method === "GET" && accountPath) {
      const account = accounts.get(accountPath[1]);
      return account
        ? { status: 200, body: account }
        : error(404, "invalid_request_error", `No such account: '${accountPath[1]}'`, { code: "resource_missing" });
    }
    if (method === "POST" && path === "/v1/account_links") {
      const account = String(params.account ?? "");
      if (!accounts.has(account)) return error(400, "invalid_request_error", `No such account: '${account}'`, { code: "resource_missing", param: "account" });
      for (const field of ["refresh_url", "return_url", "type"]) {
        if (!params[field]) return error(400, "invalid_request_error", `Missing required param: ${field}.`, { param: field });
      }
      const created = now();
      return {
        status: 200,
        body: {
          object: "account_link",
          created,
          expires_at: created + 300,
          url: `https://connect.stripe.test/setup/s/${account}/${randomBytes(8).toString("hex")}`,
        },
      };
    }
    if (method === "POST" && path === "/v1/checkout/sessions") {
      if (!stripeAccount || !accounts.has(stripeAccount))
        return error(400, "invalid_request_error", "A Checkout Session for an organization must be made on its connected account.");
      const items = (params.line_items ?? []) as Params[];
      const amount = items.reduce((sum, item) => sum + Number(item.quantity) * Number((item.price_data as Params).unit_amount), 0);
      const session = {
        id: id("cs"),
        object: "checkout.session",
        mode: params.mode,
        status: "open",
        payment_status: "unpaid",
        currency: params.currency,
        amount_subtotal: amount,
        amount_total: amount,
        allowed_payment_method_types: params.allowed_payment_method_types ?? null,
        payment_method_types: params.allowed_payment_method_types ?? ["card"],
        client_reference_id: params.client_reference_id ?? null,
        metadata: params.metadata ?? {},
        locale: params.locale ?? null,
        success_url: params.success_url,
        cancel_url: params.cancel_url,
        payment_intent: null,
        livemode: false,
        created: now(),
        expires_at: now() + 24 * 3600,
        url: "",
      };
      session.url = `https://checkout.stripe.test/c/pay/${session.id}`;
      sessions.set(session.id, { ...session, account: stripeAccount });
      return { status: 200, body: session };
    }
    const sessionPath = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path);
    if (method === "GET" && sessionPath) {
      const session = sessions.get(sessionPath[1]);
      if (!session || session.account !== stripeAccount)
        return error(404, "invalid_request_error", `No such checkout.session: '${sessionPath[1]}'`, { code: "resource_missing" });
      const { account: _account, ...body } = session;
      return { status: 200, body };
    }
    if (method === "POST" && path === "/v1/refunds") {
      return {
        status: 200,
        body: {
          id: id("re"),
          object: "refund",
          amount: Number(params.amount),
          currency: "cny",
          payment_intent: params.payment_intent,
          status: "succeeded",
          created: now(),
        },
      };
    }
    return error(404, "invalid_request_error", `Unrecognized request URL (${method}: ${path}).`);
  };

  const server: Server = createServer(async (request, response) => {
    const body = await readBody(request);
    const url = new URL(request.url ?? "/", "http://stripe.test");
    const method = request.method ?? "GET";
    const params = method === "GET" ? decodeForm(url.searchParams.toString()) : decodeForm(body);
    const header = (name: string) => {
      const value = request.headers[name];
      return typeof value === "string" ? value : null;
    };
    const record: StripeRequest = {
      method,
      path: url.pathname,
      stripeAccount: header("stripe-account"),
      idempotencyKey: header("idempotency-key"),
      authorization: header("authorization"),
      params,
      status: 0,
    };
    requests.push(record);
    let answer: { status: number; body: unknown };
    if (!record.authorization?.startsWith("Bearer sk_test_")) {
      answer = error(401, "invalid_request_error", "Invalid API Key provided.");
    } else if (method === "POST" && record.idempotencyKey) {
      const key = `${record.stripeAccount ?? "platform"}:${record.idempotencyKey}`;
      const seen = replays.get(key);
      if (seen && seen.params !== body) {
        answer = error(
          400,
          "idempotency_error",
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${record.idempotencyKey}' if you meant to execute a different request.`,
        );
      } else if (seen) {
        answer = { status: seen.status, body: seen.body };
      } else {
        answer = handle(method, url.pathname, params, record.stripeAccount);
        replays.set(key, { params: body, status: answer.status, body: answer.body });
      }
    } else {
      answer = handle(method, url.pathname, params, record.stripeAccount);
    }
    record.status = answer.status;
    response.writeHead(answer.status, { "content-type": "application/json", "request-id": id("req") }).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accounts,
    sessions,
    updateAccount: (accountId, changes) => {
      const account = accounts.get(accountId);
      if (!account) throw new Error(`no such account in the Stripe double: ${accountId}`);
      Object.assign(account, changes);
      return account;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
