import { and, asc, eq, inArray, lte, sql } from "drizzle-orm";
import { Resend } from "resend";
import { emailOutbox } from "../../../db/schema";
import { bearerLinkTemplates } from "../../../emails";
import { env } from "~/env.server";
import { withSystem } from "~/modules/tenancy/context.server";

export const maxAttempts = 8;

export function backoffMs(attempts: number) {
  // 30 s, 1 min, 2 min … capped at one hour, with jitter so several workers do not retry in step.
  const base = Math.min(30_000 * 2 ** (attempts - 1), 3_600_000);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** What a message that carried a one-time link keeps of its body once it has left: nothing usable. */
export const redactedBody = "[redacted after sending: the message carried a one-time link]";

// Reset and invitation links are bearer tokens whose hash alone is stored elsewhere; the outbox
// keeps their clear text only while it may still need to send it (decision 021).
function bodyOnceDone(template: string) {
  return bearerLinkTemplates.has(template) ? { html: redactedBody, text: redactedBody } : {};
}

type Sender = (message: { id: string; to: string; subject: string; html: string; text: string }) => Promise<string>;

function resendSender(apiKey: string): Sender {
  const resend = new Resend(apiKey);
  const sendTimeoutMs = env().EMAIL_SEND_TIMEOUT_MS;
  return async (message) => {
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${sendTimeoutMs} ms`)), sendTimeoutMs).unref());
    const result = await Promise.race([
      resend.emails.send(
        { from: env().EMAIL_FROM, to: message.to, subject: message.subject, html: message.html, text: message.text },
        // The outbox id makes a retry after a lost answer a no-op at Resend.
        { idempotencyKey: `outbox-${message.id}` },
      ),
      timeout,
    ]);
    if (result.error) throw new Error(`${result.error.name}: ${result.error.message}`);
    return result.data?.id ?? "";
  };
}

/**
 * Delivers the emails that are due. Rows are claimed with FOR UPDATE SKIP LOCKED in a short
 * transaction that leases them (next_attempt_at moved past the send timeout), so any number of
 * workers (in servers or `npm run worker`) can run at once without sending a message twice, and no
 * transaction stays open while the provider answers: on PGlite (one connection) that would hold every
 * request of the server behind a slow or silent provider. A worker that dies mid-send leaves the row
 * to be retried when the lease ends; the idempotency key keeps that retry from sending twice.
 */
export async function deliverDueEmails(options: { batch?: number; send?: Sender } = {}) {
  const apiKey = env().RESEND_API_KEY;
  const send = options.send ?? (apiKey ? resendSender(apiKey) : null);
  if (!send) return { sent: 0, failed: 0 };
  const batch = options.batch ?? 20;
  // The batch is sent one message after another, each within the send timeout: the lease covers them all.
  const leaseMs = batch * env().EMAIL_SEND_TIMEOUT_MS + 60_000;
  const claimed = await withSystem(async (tx) => {
    const due = await tx
      .select()
      .from(emailOutbox)
      .where(and(eq(emailOutbox.status, "pending"), lte(emailOutbox.nextAttemptAt, sql`now()`)))
      .orderBy(asc(emailOutbox.nextAttemptAt))
      .limit(batch)
      .for("update", { skipLocked: true });
    if (due.length) {
      await tx
        .update(emailOutbox)
        .set({ nextAttemptAt: new Date(Date.now() + leaseMs) })
        .where(
          inArray(
            emailOutbox.id,
            due.map((m) => m.id),
          ),
        );
    }
    return due;
  });
  let sent = 0;
  let failed = 0;
  for (const message of claimed) {
    let providerId: string;
    try {
      providerId = await send(message);
    } catch (error) {
      const attempts = message.attempts + 1;
      failed++;
      await withSystem((tx) =>
        tx
          .update(emailOutbox)
          .set({
            attempts,
            status: attempts >= maxAttempts ? "failed" : "pending",
            ...(attempts >= maxAttempts ? bodyOnceDone(message.template) : {}),
            lastError: String((error as Error).message ?? error).slice(0, 1000),
            nextAttemptAt: new Date(Date.now() + backoffMs(attempts)),
          })
          .where(eq(emailOutbox.id, message.id)),
      );
      continue;
    }
    await withSystem((tx) =>
      tx
        .update(emailOutbox)
        .set({ status: "sent", sentAt: sql`now()`, providerId, attempts: message.attempts + 1, lastError: null, ...bodyOnceDone(message.template) })
        .where(eq(emailOutbox.id, message.id)),
    );
    sent++;
  }
  return { sent, failed };
}

/** Polls the outbox until stopped; returns the stop function. */
export function startEmailWorker(intervalMs = 2_000) {
  let stopped = false;
  let running: Promise<unknown> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    if (stopped) return;
    running = deliverDueEmails()
      .catch((error) => console.error("[email worker]", (error as Error).message))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, intervalMs);
      });
  };
  timer = setTimeout(tick, 100);
  return async () => {
    stopped = true;
    clearTimeout(timer);
    await running;
  };
}
