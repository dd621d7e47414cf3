import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { withTenant } from "~/modules/tenancy/context.server";
import { invitableRoles } from "~/modules/tenancy/permissions";
import { inviteSchema } from "~/modules/tenancy/schemas";
import { invite, listMembers, listPendingInvitations } from "~/modules/tenancy/service.server";
import { ErrorList, Field, Notice, SelectField, SubmitButton } from "~/ui/form";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { formatDate, formatDateTime } from "~/ui/format";
import { ExportLinks, Table } from "~/ui/list";
import { zodErrorMap } from "~/ui/zod-errors";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "members.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "members:read", async (tx, ctx) => {
    const members = await listMembers(tx, ctx);
    const canInvite = ctx.permissions.includes("members:invite");
    return {
      members,
      invitations: canInvite ? await listPendingInvitations(tx, ctx) : [],
      invitableRoles: invitableRoles(ctx.tenant.kind, ctx.role),
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "members:invite", async (tx, ctx) => {
    const submission = await parseForm(request, inviteSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const result = await invite(tx, ctx, submission.value);
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }), invited: result.value.email });
  });
}

export default function Members() {
  const data = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const [form, fields] = useForm({
    id: "invite",
    lastResult: actionData?.result,
    shouldValidate: "onBlur",
    defaultValue: { role: data.invitableRoles[data.invitableRoles.length - 1] },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: inviteSchema, error: zodErrorMap(t) }),
  });
  return (
    <div className="space-y-8">
      <div>
        <div className="mb-4 flex items-center justify-between">
          <h1 className="text-2xl font-bold">{t("members.title")}</h1>
          <ExportLinks list="members" />
        </div>
        <Table
          caption={t("members.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("fields.name")}</th>
              <th className="px-3 py-2">{t("fields.email")}</th>
              <th className="px-3 py-2">{t("members.role")}</th>
              <th className="px-3 py-2">{t("members.joined")}</th>
            </tr>
          }
        >
          {data.members.map((member) => (
            <tr key={member.id}>
              <td className="px-3 py-2">{member.name}</td>
              <td className="px-3 py-2">{member.email}</td>
              <td className="px-3 py-2">{t(`roles.${member.role}`)}</td>
              <td className="px-3 py-2">{formatDate(member.createdAt, locale)}</td>
            </tr>
          ))}
        </Table>
      </div>
      {data.invitableRoles.length > 0 ? (
        <div className="grid gap-6 md:grid-cols-2">
          <div>
            <h2 className="mb-3 text-lg font-semibold">{t("members.invite")}</h2>
            {actionData && "invited" in actionData ? (
              <Notice tone="success">{t("members.invited", { email: actionData.invited })}</Notice>
            ) : null}
            <Form method="post" {...getFormProps(form)} className="rounded border border-gray-200 bg-white p-4">
              <Field label={t("fields.email")} meta={fields.email} type="email" />
              <SelectField
                label={t("members.role")}
                meta={fields.role}
                options={data.invitableRoles.map((role) => ({ value: role, label: t(`roles.${role}`) }))}
              />
              <ErrorList id={form.errorId} errors={form.errors} />
              <SubmitButton>{t("members.sendInvitation")}</SubmitButton>
            </Form>
          </div>
          <div>
            <h2 className="mb-3 text-lg font-semibold">{t("members.pending")}</h2>
            {data.invitations.length === 0 ? (
              <p className="text-sm text-gray-600">{t("members.noPending")}</p>
            ) : (
              <ul className="divide-y divide-gray-100 rounded border border-gray-200 bg-white">
                {data.invitations.map((invitation) => (
                  <li key={invitation.id} className="px-3 py-2 text-sm">
                    <span className="font-medium">{invitation.email}</span> · {t(`roles.${invitation.role}`)}
                    <span className="block text-xs text-gray-500">
                      {t("members.expires", { at: formatDateTime(invitation.expiresAt, locale) })}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      ) : null}
    </div>
  );
}
