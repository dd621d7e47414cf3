import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { env, isProduction } from "~/env.server";
import type { Locale } from "~/i18n/i18n";
import { latestMessages } from "~/modules/email/outbox.server";
import { redactedBody } from "~/modules/email/worker.server";
import { withSystem } from "~/modules/tenancy/context.server";
import { formatDateTime } from "~/ui/format";
import { EmptyState } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// Development only: with no Resend key, the outbox is the mailbox. Absent in production.
export const handle: RouteHandle = { title: "devMail.title" };

export async function loader(_args: LoaderFunctionArgs) {
  if (isProduction() || env().RESEND_API_KEY) throw new Response("Not found", { status: 404 });
  const messages = await withSystem((tx) => latestMessages(tx, 50));
  // A sent reset or invitation keeps no link (decision 021): say so instead of showing the marker.
  return { messages: messages.map((m) => ({ ...m, text: m.text === redactedBody ? null : m.text })) };
}

export default function DevMail() {
  const { messages } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  return (
    <div>
      <h1 className="mb-2 text-2xl font-bold">{t("devMail.title")}</h1>
      <p className="mb-4 text-sm text-gray-600">{t("devMail.lead")}</p>
      {messages.length === 0 ? (
        <EmptyState>{t("devMail.empty")}</EmptyState>
      ) : (
        <ul className="space-y-4">
          {messages.map((message) => (
            <li key={message.id} className="rounded border border-gray-200 bg-white p-4" data-testid="dev-mail">
              <p className="text-sm text-gray-500">
                {formatDateTime(message.createdAt, i18n.language as Locale)} · {message.to} · {message.status}
              </p>
              <h2 className="font-semibold">{message.subject}</h2>
              {message.text === null ? (
                <p className="mt-2 text-sm italic text-gray-500">{t("devMail.redacted")}</p>
              ) : (
                <pre className="mt-2 whitespace-pre-wrap break-all text-sm">{message.text}</pre>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
