import { getFormProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { withTenant } from "~/modules/tenancy/context.server";
import { manageMember, revokeInvitation } from "~/modules/tenancy/members.server";
import { assignableRoles, invitableRoles, outranks } from "~/modules/tenancy/permissions";
import { inviteSchema, memberActionSchema, revokeInvitationSchema } from "~/modules/tenancy/schemas";
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
    const assignable = assignableRoles(ctx.tenant.kind, ctx.role);
    return {
      // Whom this member may manage: no one above their own role.
      members: members.map((member) => ({
        ...member,
        manageable: assignable.length > 0 && !outranks(ctx.tenant.kind, member.role, ctx.role),
        me: member.id === ctx.membershipId,
      })),
      invitations: canInvite ? await listPendingInvitations(tx, ctx) : [],
      invitableRoles: invitableRoles(ctx.tenant.kind, ctx.role),
      assignableRoles: assignable,
    };
  });
}

// One page, three forms: invite (the default), `?do=member` (remove, change role, end sessions) and
// `?do=revoke` (withdraw an invitation).
export async function action({ request, params }: ActionFunctionArgs) {
  const what = new URL(request.url).searchParams.get("do");
  if (what === "member") {
    return withTenant(request, params.slug, "members:manage", async (tx, ctx) => {
      const submission = await parseForm(request, memberActionSchema, ctx.locale);
      if (submission.status !== "success") return rejectSubmission(submission);
      const result = await manageMember(tx, ctx, submission.value);
      if (!result.ok) return rejectSubmission(submission, result);
      // Whoever removed themselves has no members page left to return to.
      if (submission.value.intent === "remove" && submission.value.membershipId === ctx.membershipId) return redirect("/workspaces");
      return json({ result: submission.reply({ resetForm: true }), done: submission.value.intent });
    });
  }
  if (what === "revoke") {
    return withTenant(request, params.slug, "members:manage", async (tx, ctx) => {
      const submission = await parseForm(request, revokeInvitationSchema, ctx.locale);
      if (submission.status !== "success") return rejectSubmission(submission);
      const result = await revokeInvitation(tx, ctx, submission.value.invitationId);
      if (!result.ok) return rejectSubmission(submission, result);
      return json({ result: submission.reply({ resetForm: true }), done: "revoke" as const });
    });
  }
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
        {actionData && "done" in actionData ? <Notice tone="success">{t(`account.members.done.${actionData.done}`)}</Notice> : null}

        <Table
          caption={t("members.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("fields.name")}</th>
              <th className="px-3 py-2">{t("fields.email")}</th>
              <th className="px-3 py-2">{t("members.role")}</th>
              <th className="px-3 py-2">{t("members.joined")}</th>
              {data.assignableRoles.length > 0 ? <th className="px-3 py-2">{t("account.members.actions")}</th> : null}
            </tr>
          }
        >
          {data.members.map((member) => (
            <tr key={member.id}>
              <td className="px-3 py-2">{member.name}</td>
              <td className="px-3 py-2">{member.email}</td>
              <td className="px-3 py-2">{t(`roles.${member.role}`)}</td>
              <td className="px-3 py-2">{formatDate(member.createdAt, locale)}</td>
              {data.assignableRoles.length > 0 ? (
                <td className="px-3 py-2">{member.manageable ? <MemberActions member={member} roles={data.assignableRoles} /> : null}</td>
              ) : null}
            </tr>
          ))}
        </Table>
      </div>
      {data.invitableRoles.length > 0 ? (
        <div className="grid gap-6 md:grid-cols-2">
          <div>
            <h2 className="mb-3 text-lg font-semibold">{t("members.invite")}</h2>
            {actionData && "invited" in actionData ? <Notice tone="success">{t("members.invited", { email: actionData.invited })}</Notice> : null}
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
                    <span className="block text-xs text-gray-500">{t("members.expires", { at: formatDateTime(invitation.expiresAt, locale) })}</span>
                    {data.assignableRoles.includes(invitation.role) ? (
                      <Form method="post" action="?do=revoke" className="mt-1">
                        <input type="hidden" name="invitationId" value={invitation.id} />
                        <button type="submit" className="text-xs text-red-700 underline" data-testid="revoke-invitation">
                          {t("account.members.revoke", { email: invitation.email })}
                        </button>
                      </Form>
                    ) : null}
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

/** Remove, change role, end sessions: each its own small form posting to `?do=member`. */
function MemberActions({ member, roles }: { member: { id: string; role: string; name: string; me: boolean }; roles: string[] }) {
  const { t } = useTranslation();
  return (
    <div className="flex flex-wrap items-center gap-2 text-xs">
      <Form method="post" action="?do=member" className="flex items-center gap-1">
        <input type="hidden" name="membershipId" value={member.id} />
        <input type="hidden" name="intent" value="role" />
        <label className="sr-only" htmlFor={`role-${member.id}`}>
          {t("account.members.roleOf", { name: member.name })}
        </label>
        <select id={`role-${member.id}`} name="role" defaultValue={member.role} className="rounded border border-gray-300 px-1 py-0.5">
          {roles.map((role) => (
            <option key={role} value={role}>
              {t(`roles.${role}`)}
            </option>
          ))}
        </select>
        <button type="submit" className="underline">
          {t("account.members.changeRole")}
        </button>
      </Form>
      <Form method="post" action="?do=member">
        <input type="hidden" name="membershipId" value={member.id} />
        <button type="submit" name="intent" value="end-sessions" className="underline">
          {t("account.members.endSessions")}
        </button>
      </Form>
      <Form method="post" action="?do=member">
        <input type="hidden" name="membershipId" value={member.id} />
        <button type="submit" name="intent" value="remove" className="text-red-700 underline">
          {member.me ? t("account.members.leave") : t("account.members.remove")}
        </button>
      </Form>
    </div>
  );
}
