import { getFormProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { levels } from "~/modules/certificates/schemas";
import { credentialRoles, trainingActionSchema, trainingModes } from "~/modules/credentials/schemas";
import { credentialCertificates } from "~/modules/credentials/service.server";
import {
  cancelTrainingSession,
  completeEnrolment,
  createTrainingSession,
  enrolTeacher,
  listEnrolments,
  listTrainingSessions,
  teacherTrainingFees,
} from "~/modules/credentials/training.server";
import { withTenant } from "~/modules/tenancy/context.server";
import { CheckboxGroupField, ErrorList, Field, SelectField, SubmitButton } from "~/ui/form";
import { formatDay, shanghaiDate } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { fenToYuanInput } from "~/ui/money";
import { EmptyState, Table } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";
import { zodErrorMap } from "~/ui/zod-errors";

// 师资培训 (issue 16 item 9): an organization lists its sessions and completes enrolments (optionally
// creating a draft credential); a school sees every organization's sessions and enrols its teachers.
// Always voluntary: the page says so to both.
export const handle: RouteHandle = { title: "credentials.training.title" };

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  return withTenant({ request, context }, params.slug, "training:read", async (tx, ctx) => {
    const organization = ctx.tenant.kind === "organization";
    const canWrite = organization && ctx.permissions.includes("credentials:write");
    return {
      organization,
      canWrite,
      canEnrol: ctx.permissions.includes("training:enrol"),
      sessions: await listTrainingSessions(tx, ctx),
      enrolments: await listEnrolments(tx, ctx),
      certificates: canWrite ? await credentialCertificates(tx, ctx) : [],
      fees: canWrite ? await teacherTrainingFees(tx, ctx) : [],
    };
  });
}

export async function action({ request, params }: ActionFunctionArgs) {
  return withTenant(request, params.slug, "training:read", async (tx, ctx) => {
    const submission = await parseForm(request, trainingActionSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const input = submission.value;
    const organizationWrite = ctx.tenant.kind === "organization" && ctx.permissions.includes("credentials:write");
    const allowed = input.intent === "enrol" ? ctx.permissions.includes("training:enrol") : organizationWrite;
    if (!allowed) throw new Response("Forbidden", { status: 403 });
    const result =
      input.intent === "session"
        ? await createTrainingSession(tx, ctx, input)
        : input.intent === "cancel"
          ? await cancelTrainingSession(tx, ctx, input.sessionId)
          : input.intent === "enrol"
            ? await enrolTeacher(tx, ctx, input)
            : await completeEnrolment(tx, ctx, input.enrolmentId, { draft: input.draft === "on", validYears: input.validYears, today: shanghaiDate() });
    if (!result.ok) return rejectSubmission(submission, result);
    return json({ result: submission.reply({ resetForm: true }), intent: input.intent });
  });
}

function useIntentForm(id: string, lastResult: SubmissionResult<string[]> | undefined) {
  const { t } = useTranslation();
  return useForm({
    id,
    lastResult,
    shouldValidate: "onBlur",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: trainingActionSchema, error: zodErrorMap(t) }),
  });
}

export default function Training() {
  const { organization, canWrite, canEnrol, sessions, enrolments, certificates, fees } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const intent = (actionData?.result?.initialValue as { intent?: string } | undefined)?.intent;
  const [sessionForm, sessionFields] = useIntentForm("session", intent === "session" ? actionData?.result : undefined);
  const [enrolForm, enrolFields] = useIntentForm("enrol", intent === "enrol" ? actionData?.result : undefined);
  const open = sessions.filter((s) => !s.cancelled);
  // Completing or cancelling has no form of its own: its refusal is told above the lists.
  const refused =
    intent === "complete" || intent === "cancel"
      ? Object.values((actionData?.result?.error ?? {}) as Record<string, string[] | null>)
          .flat()
          .filter(Boolean)
      : [];
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-bold">{t("credentials.training.title")}</h1>
        <p className="text-sm text-gray-600">{t("credentials.training.lead")}</p>
      </div>
      <p className="rounded border border-blue-200 bg-blue-50 p-3 text-sm text-blue-900" role="note" data-testid="training-voluntary">
        {t("credentials.training.voluntary")}
      </p>
      {refused.length ? (
        <p role="alert" className="rounded border border-red-200 bg-red-50 p-3 text-sm text-red-900">
          {refused.join(" ")}
        </p>
      ) : null}
      {sessions.length === 0 ? (
        <EmptyState>{t("credentials.training.empty")}</EmptyState>
      ) : (
        <Table
          caption={t("credentials.training.sessions")}
          head={
            <tr>
              <th className="px-3 py-2">{t("credentials.training.dates")}</th>
              <th className="px-3 py-2">{t("credentials.training.session")}</th>
              {organization ? null : <th className="px-3 py-2">{t("credentials.organization")}</th>}
              <th className="px-3 py-2">{t("credentials.training.where")}</th>
              <th className="px-3 py-2">{t("credentials.training.fee")}</th>
              <th className="px-3 py-2 text-right">{t("credentials.training.seats")}</th>
              {canWrite ? <th className="px-3 py-2">{t("credentials.training.actions")}</th> : null}
            </tr>
          }
        >
          {sessions.map((s) => (
            <tr key={s.id} data-testid="training-session">
              <td className="whitespace-nowrap px-3 py-2">
                {formatDay(s.startsOn, locale)} – {formatDay(s.endsOn, locale)}
              </td>
              <td className="px-3 py-2">
                {s.title}
                <span className="block text-xs text-gray-500">
                  {s.certificateCode} · {s.levels.map((l) => t(`certificates.levelNames.${l}`)).join("/")} · {t(`credentials.roles.${s.role}`)}
                </span>
                {s.cancelled ? <span className="text-xs text-red-700">{t("credentials.training.cancelled")}</span> : null}
              </td>
              {organization ? null : <td className="px-3 py-2">{s.organization}</td>}
              <td className="px-3 py-2">{s.mode === "online" ? t("credentials.training.modes.online") : s.place}</td>
              <td className="px-3 py-2">
                {s.feeFen === null ? t("credentials.training.noFee") : `¥${fenToYuanInput(s.feeFen)} ${t(`fees.units.${s.feeUnit}`)}`}
                <span className="block text-xs text-gray-500">{t("credentials.training.voluntaryShort")}</span>
              </td>
              <td className="px-3 py-2 text-right">
                {s.enrolled}/{s.capacity}
              </td>
              {canWrite ? (
                <td className="px-3 py-2">
                  {s.cancelled ? null : (
                    <Form method="post">
                      <input type="hidden" name="sessionId" value={s.id} />
                      <button type="submit" name="intent" value="cancel" className="text-sm text-red-700 underline">
                        {t("credentials.training.cancel")}
                      </button>
                    </Form>
                  )}
                </td>
              ) : null}
            </tr>
          ))}
        </Table>
      )}
      <section className="space-y-3">
        <h2 className="text-lg font-semibold">{t("credentials.training.enrolments")}</h2>
        {enrolments.length === 0 ? (
          <EmptyState>{t("credentials.training.noEnrolments")}</EmptyState>
        ) : (
          <Table
            caption={t("credentials.training.enrolments")}
            head={
              <tr>
                <th className="px-3 py-2">{t("credentials.training.teacher")}</th>
                <th className="px-3 py-2">{t("credentials.training.session")}</th>
                {organization ? <th className="px-3 py-2">{t("credentials.training.school")}</th> : null}
                <th className="px-3 py-2">{t("credentials.status")}</th>
              </tr>
            }
          >
            {enrolments.map((e) => (
              <tr key={e.id} data-testid="training-enrolment">
                <td className="px-3 py-2">
                  {e.teacherName} <span className="text-xs text-gray-500">…{e.idLast4}</span>
                </td>
                <td className="px-3 py-2">{e.sessionTitle}</td>
                {organization ? <td className="px-3 py-2">{e.school}</td> : null}
                <td className="px-3 py-2">
                  {t(`credentials.training.statuses.${e.status}`)}
                  {e.credentialId && organization ? (
                    <a href={`credentials/${e.credentialId}`} className="ml-2 text-sm text-blue-700 underline">
                      {t("credentials.training.draftCredential")}
                    </a>
                  ) : null}
                  {canWrite && e.status === "enrolled" ? (
                    <Form method="post" className="mt-1 flex flex-wrap items-center gap-2 text-sm">
                      <input type="hidden" name="enrolmentId" value={e.id} />
                      <label className="flex items-center gap-1">
                        <input type="checkbox" name="draft" value="on" defaultChecked /> {t("credentials.training.createDraft")}
                      </label>
                      <SubmitButton name="intent" value="complete" variant="secondary">
                        {t("credentials.training.complete")}
                      </SubmitButton>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </Table>
        )}
      </section>
      {canEnrol && open.length ? (
        <Form method="post" {...getFormProps(enrolForm)} className="max-w-2xl rounded border border-gray-200 bg-white p-4">
          <h2 className="mb-2 text-lg font-semibold">{t("credentials.training.enrol")}</h2>
          <input type="hidden" name="intent" value="enrol" />
          <SelectField
            label={t("credentials.training.session")}
            meta={enrolFields.sessionId}
            options={open.map((s) => ({ value: s.id, label: `${formatDay(s.startsOn, locale)} · ${s.title} · ${s.organization}` }))}
          />
          <div className="grid gap-x-4 sm:grid-cols-2">
            <Field label={t("credentials.training.teacher")} meta={enrolFields.teacherName} />
            <Field label={t("credentials.idNumber")} meta={enrolFields.idNumber} hint={t("credentials.idNumberHint")} autoComplete="off" />
          </div>
          <Field label={t("credentials.contact")} meta={enrolFields.contact} />
          <ErrorList id={enrolForm.errorId} errors={enrolForm.errors} />
          <SubmitButton>{t("credentials.training.enrol")}</SubmitButton>
        </Form>
      ) : null}
      {canWrite && certificates.length ? (
        <Form method="post" {...getFormProps(sessionForm)} className="max-w-2xl rounded border border-gray-200 bg-white p-4">
          <h2 className="mb-2 text-lg font-semibold">{t("credentials.training.new")}</h2>
          <input type="hidden" name="intent" value="session" />
          <Field label={t("credentials.training.sessionTitle")} meta={sessionFields.title} />
          <div className="grid gap-x-4 sm:grid-cols-2">
            <SelectField
              label={t("credentials.certificate")}
              meta={sessionFields.certificateId}
              options={certificates.map((c) => ({ value: c.id, label: `${c.code} ${c.nameZh}` }))}
            />
            <SelectField
              label={t("credentials.role")}
              meta={sessionFields.role}
              options={credentialRoles.map((r) => ({ value: r, label: t(`credentials.roles.${r}`) }))}
            />
          </div>
          <CheckboxGroupField
            label={t("credentials.levels")}
            meta={sessionFields.levels}
            options={levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) }))}
          />
          <div className="grid gap-x-4 sm:grid-cols-2">
            <Field label={t("credentials.training.startsOn")} meta={sessionFields.startsOn} type="date" />
            <Field label={t("credentials.training.endsOn")} meta={sessionFields.endsOn} type="date" />
            <SelectField
              label={t("credentials.training.mode")}
              meta={sessionFields.mode}
              options={trainingModes.map((m) => ({ value: m, label: t(`credentials.training.modes.${m}`) }))}
            />
            <Field label={t("credentials.training.place")} meta={sessionFields.place} />
            <Field label={t("credentials.training.capacity")} meta={sessionFields.capacity} type="number" />
            <SelectField
              label={t("credentials.training.fee")}
              meta={sessionFields.feeDisclosureId}
              placeholder={t("credentials.training.noFee")}
              options={fees.map((f) => ({
                value: f.id,
                label: `${f.certificateCode} ${t(`certificates.levelNames.${f.level}`)} ¥${fenToYuanInput(f.amountFen)}`,
              }))}
            />
          </div>
          <p className="mb-3 text-xs text-gray-600">{t("credentials.training.feeHint")}</p>
          <ErrorList id={sessionForm.errorId} errors={sessionForm.errors} />
          <SubmitButton>{t("credentials.training.new")}</SubmitButton>
        </Form>
      ) : null}
    </div>
  );
}
