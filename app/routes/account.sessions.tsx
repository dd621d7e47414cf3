import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { endMySession, listMySessions } from "~/modules/auth/account.server";
import { endSessionSchema } from "~/modules/auth/schemas";
import { clearSessionCookie } from "~/modules/auth/session.server";
import { withUser } from "~/modules/tenancy/context.server";
import { ErrorList, Notice } from "~/ui/form";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { formatDateTime } from "~/ui/format";
import { Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "account.sessions.title" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  return withUser({ request, context }, async (tx, ctx) => ({ sessions: await listMySessions(tx, ctx) }));
}

export async function action({ request }: ActionFunctionArgs) {
  return withUser(request, async (tx, ctx) => {
    const submission = await parseForm(request, endSessionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await endMySession(tx, ctx, submission.value.session);
    if (!result.ok) return rejectSubmission(submission, result);
    if (result.value.endedCurrent) return redirect("/login", { headers: { "Set-Cookie": await clearSessionCookie() } });
    return json({ result: submission.reply({ resetForm: true }), ended: true });
  });
}

export default function MySessions() {
  const { sessions } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">{t("account.sessions.title")}</h1>
      <p className="text-sm text-gray-600">{t("account.sessions.lead")}</p>
      {actionData && "ended" in actionData ? <Notice tone="success">{t("account.sessions.ended")}</Notice> : null}
      {actionData && !("ended" in actionData) ? <ErrorList errors={actionData.result.error?.[""]} /> : null}
      {sessions.length === 0 ? (
        <p className="text-sm text-gray-600">{t("account.sessions.empty")}</p>
      ) : (
        <Table
          caption={t("account.sessions.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("account.sessions.device")}</th>
              <th className="px-3 py-2">{t("account.sessions.created")}</th>
              <th className="px-3 py-2">{t("account.sessions.lastSeen")}</th>
              <th className="px-3 py-2">
                <span className="sr-only">{t("account.sessions.end")}</span>
              </th>
            </tr>
          }
        >
          {sessions.map((session) => (
            <tr key={session.id} data-testid="session-row">
              <td className="px-3 py-2 text-sm">
                {session.userAgent ?? t("account.sessions.unknownDevice")}
                {session.current ? <span className="ml-2 rounded bg-green-100 px-1 text-xs text-green-800">{t("account.sessions.current")}</span> : null}
              </td>
              <td className="px-3 py-2 text-sm">{formatDateTime(session.createdAt, locale)}</td>
              <td className="px-3 py-2 text-sm">{formatDateTime(session.lastSeenAt, locale)}</td>
              <td className="px-3 py-2 text-sm">
                <Form method="post">
                  <input type="hidden" name="session" value={session.id} />
                  <button type="submit" className="text-red-700 underline">
                    {t("account.sessions.end")}
                  </button>
                </Form>
              </td>
            </tr>
          ))}
        </Table>
      )}
      <Link to="/account/password" className="text-blue-700 hover:underline">
        {t("account.password.title")}
      </Link>
    </div>
  );
}
