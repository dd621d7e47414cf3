import { desc } from "drizzle-orm";
import { render } from "@react-email/render";
import { createElement } from "react";
import type { Tx } from "../../../db/client.server";
import { emailOutbox } from "../../../db/schema";
import { emailTemplates, type EmailProps, type EmailTemplateName } from "../../../emails";
import { translator, type Locale } from "~/i18n/i18n";

/**
 * Queue an email in the caller's transaction: it is sent only if the change that caused it commits.
 * The worker (worker.server.ts) delivers it later.
 */
export async function enqueueEmail<N extends EmailTemplateName>(
  tx: Tx,
  message: { template: N; to: string; locale: Locale; props: EmailProps<N>; meta?: Record<string, unknown> },
) {
  const t = translator(message.locale);
  // Indexing the template map by a generic name loses the pairing of template and props for the
  // compiler; `message` was typed by that pairing, so widen once here.
  const template = emailTemplates[message.template] as unknown as {
    subject: (t: unknown, props: unknown) => string;
    render: (props: Record<string, unknown>) => React.ReactElement;
  };
  const element = createElement(template.render, { ...(message.props as Record<string, unknown>), t, lang: message.locale });
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  await tx.insert(emailOutbox).values({
    template: message.template,
    locale: message.locale,
    to: message.to,
    subject: template.subject(t, message.props),
    html,
    text,
    meta: message.meta ?? null,
  });
}

/** The development mailbox (/dev/mail): the newest messages of the outbox. */
export function latestMessages(tx: Tx, limit: number) {
  return tx
    .select({
      id: emailOutbox.id,
      to: emailOutbox.to,
      subject: emailOutbox.subject,
      text: emailOutbox.text,
      status: emailOutbox.status,
      createdAt: emailOutbox.createdAt,
    })
    .from(emailOutbox)
    .orderBy(desc(emailOutbox.createdAt))
    .limit(limit);
}
