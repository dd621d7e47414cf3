import { createServer, type IncomingMessage, type Server } from "node:http";

// A local stand-in for Resend's HTTP API (POST /emails), the only part XCert calls. It keeps what
// Resend keeps: one email per Idempotency-Key; a repeated key answers the first email's id.
export interface ResendDouble {
  url: string;
  /** Accepted emails, one per idempotency key. */
  delivered: Map<string, { id: string; to: string[]; subject: string; html: string; text: string }>;
  requests: number;
  /** Per idempotency key: requests received, and 200 answers given (a worker that got a 200 must not send again). */
  attempts: Map<string, number>;
  answered: Map<string, number>;
  /** Until recover(): every request fails in `mode`, "mixed" cycling through error, hang and lose-answer. */
  outage(mode: Failure | "mixed"): void;
  recover(): void;
  /** The next N requests: answer 500; never answer (the client times out); or accept the email and
   * then answer 500, as when the answer is lost on the way back. */
  failNext(count: number, mode: Failure): void;
  close(): Promise<void>;
}

function body(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

type Failure = "error" | "hang" | "lose-answer";

export async function startResendDouble(): Promise<ResendDouble> {
  let failures: { count: number; mode: Failure } = { count: 0, mode: "error" };
  const hanging = new Set<() => void>();
  let outage: Failure | "mixed" | null = null;
  const mixed: Failure[] = ["error", "hang", "lose-answer"];
  const double: Omit<ResendDouble, "url" | "close"> = {
    delivered: new Map(),
    requests: 0,
    attempts: new Map(),
    answered: new Map(),
    failNext: (count, mode) => {
      failures = { count, mode };
    },
    outage: (mode) => {
      outage = mode;
    },
    recover: () => {
      outage = null;
    },
  };
  const server: Server = createServer(async (request, response) => {
    double.requests++;
    const payload = await body(request);
    if (request.method !== "POST" || request.url !== "/emails") {
      response.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ name: "not_found", message: "Not found" }));
      return;
    }
    if (!String(request.headers.authorization ?? "").startsWith("Bearer re_")) {
      response.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ name: "missing_api_key", message: "Missing API key" }));
      return;
    }
    const key = String(request.headers["idempotency-key"] ?? "");
    double.attempts.set(key, (double.attempts.get(key) ?? 0) + 1);
    if (outage) failures = { count: 1, mode: outage === "mixed" ? mixed[double.requests % mixed.length] : outage };
    let loseAnswer = false;
    if (failures.count > 0 && failures.mode === "lose-answer") {
      failures.count--;
      loseAnswer = true;
    } else if (failures.count > 0) {
      failures.count--;
      if (failures.mode === "hang") {
        hanging.add(() => response.destroy());
        return;
      }
      response.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ name: "internal_server_error", message: "boom" }));
      return;
    }
    const email = JSON.parse(payload) as { to: string | string[]; subject: string; html: string; text: string };
    const existing = key ? double.delivered.get(key) : undefined;
    const id = existing?.id ?? `email_${double.delivered.size + 1}`;
    if (!existing) double.delivered.set(key || id, { id, to: [email.to].flat(), subject: email.subject, html: email.html, text: email.text });
    if (loseAnswer) {
      response.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ name: "internal_server_error", message: "answer lost" }));
      return;
    }
    double.answered.set(key, (double.answered.get(key) ?? 0) + 1);
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return Object.assign(double, {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const release of hanging) release();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  }) as ResendDouble;
}
