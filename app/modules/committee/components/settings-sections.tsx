import { Form } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { criteria, type Criterion } from "~/modules/evaluations/criteria";
import { ErrorList } from "~/ui/form";
import { formatDateTime, formatDay } from "~/ui/format";
import { Table } from "~/ui/list";

// The settings page is a stack of sections, each with its current value, its form (committee admins
// only) and its history. One more setting is one more section and one more intent in the route.

export type FieldErrors = (name: string) => string[] | undefined;

const input = "mt-1 block rounded border border-gray-300 px-2 py-1";
const button = "rounded bg-blue-700 px-3 py-1.5 text-white hover:bg-blue-800";

export function SettingsSection({ id, title, lead, children }: { id: string; title: string; lead?: string; children: ReactNode }) {
  return (
    <section className="space-y-3" id={id} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="text-lg font-semibold">
        {title}
      </h2>
      {lead ? <p className="text-sm text-gray-600">{lead}</p> : null}
      {children}
    </section>
  );
}

interface HistoryRow {
  id: string;
  key: string;
  value: number;
  effectiveFrom: string;
  scheduled: boolean;
  reason: string;
  setBy: string | null;
}

/** "From" a day: empty or today takes effect at once, a later day at 00:00 that day (decision 055). */
/** A change that may take effect later (decision 055): its own fields, then the date, the reason and their errors. */
function ScheduledChangeForm({ intent, fields, errors, children }: { intent: string; fields: readonly string[]; errors: FieldErrors; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <Form method="post" className="flex flex-wrap items-end gap-3 rounded border border-gray-200 bg-white p-4 text-sm">
      <input type="hidden" name="intent" value={intent} />
      {children}
      <EffectiveOn errors={errors} />
      <label className="flex-1">
        {t("committee.reason")}
        <input name="reason" className={`${input} w-full`} aria-invalid={Boolean(errors("reason"))} />
      </label>
      <button type="submit" className={button}>
        {t("committee.save")}
      </button>
      <div className="w-full">
        {[...fields, "effectiveOn", "reason"].map((field) => (
          <ErrorList key={field} errors={errors(field)} />
        ))}
      </div>
    </Form>
  );
}

function EffectiveOn({ errors }: { errors: FieldErrors }) {
  const { t } = useTranslation();
  return (
    <label>
      {t("oversight.settings.effectiveOn")}
      <input name="effectiveOn" type="date" className={input} aria-invalid={Boolean(errors("effectiveOn"))} aria-describedby="effective-on-hint" />
      <span id="effective-on-hint" className="mt-1 block text-xs text-gray-500">
        {t("oversight.settings.effectiveOnHint")}
      </span>
    </label>
  );
}

/** In force, or scheduled with a button that withdraws it before it takes effect. */
function WhenCell({
  row,
  canEdit,
  intent = "withdraw",
}: {
  row: { id: string; effectiveFrom: string; scheduled: boolean };
  canEdit: boolean;
  intent?: string;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <td className="px-3 py-2">
      {formatDateTime(row.effectiveFrom, locale)}{" "}
      {row.scheduled ? (
        <span className="rounded bg-amber-100 px-2 py-0.5 text-xs text-amber-800" data-testid="scheduled">
          {t("oversight.settings.scheduled")}
        </span>
      ) : null}
      {row.scheduled && canEdit ? (
        <Form method="post" className="mt-1">
          <input type="hidden" name="intent" value={intent} />
          <input type="hidden" name="settingId" value={row.id} />
          <button type="submit" className="text-xs text-red-700 underline">
            {t("oversight.settings.withdraw")}
          </button>
        </Form>
      ) : null}
    </td>
  );
}

export interface NoticeRow {
  id: string;
  days: number;
  effectiveFrom: string;
  scheduled: boolean;
  reason: string;
  setBy: string | null;
}

/** The fee notice period (§二.10): in force now, scheduled changes that may be withdrawn, and its history. */
export function NoticePeriodSection({ history, canEdit, errors }: { history: NoticeRow[]; canEdit: boolean; errors: FieldErrors }) {
  const { t } = useTranslation();
  // Newest effective first: the first not scheduled is the one in force.
  const current = history.find((n) => !n.scheduled);
  return (
    <SettingsSection id="notice" title={t("committee.noticePeriod")}>
      <p>
        {t("committee.noticeCurrent")} <strong data-testid="notice-days">{current?.days ?? 30}</strong> {t("committee.days")}
      </p>
      {canEdit ? (
        <ScheduledChangeForm intent="notice" fields={["days"]} errors={errors}>
          <label>
            {t("committee.days")}
            <input
              name="days"
              type="number"
              min={0}
              max={365}
              defaultValue={current?.days ?? 30}
              className={`${input} w-28`}
              aria-invalid={Boolean(errors("days"))}
            />
          </label>
        </ScheduledChangeForm>
      ) : null}
      <Table
        caption={t("committee.noticeHistory")}
        head={
          <tr>
            <th className="px-3 py-2">{t("committee.effectiveFrom")}</th>
            <th className="px-3 py-2">{t("committee.days")}</th>
            <th className="px-3 py-2">{t("committee.reason")}</th>
            <th className="px-3 py-2">{t("committee.setBy")}</th>
          </tr>
        }
      >
        {history.map((n) => (
          <tr key={n.id} data-testid="notice-history">
            <WhenCell row={n} canEdit={canEdit} intent="withdrawNotice" />
            <td className="px-3 py-2">{n.days}</td>
            <td className="px-3 py-2">{n.reason}</td>
            <td className="px-3 py-2">{n.setBy ?? "—"}</td>
          </tr>
        ))}
      </Table>
    </SettingsSection>
  );
}

export function ThresholdsSection({
  history,
  current,
  canEdit,
  errors,
}: {
  history: HistoryRow[];
  current: Record<string, number>;
  canEdit: boolean;
  errors: FieldErrors;
}) {
  const { t } = useTranslation();
  return (
    <SettingsSection id="thresholds" title={t("oversight.settings.thresholds")} lead={t("oversight.settings.thresholdsLead")}>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        {Object.entries(current).map(([key, value]) => (
          <div key={key} className="contents">
            <dt>{t(`oversight.settings.keys.${key}`)}</dt>
            <dd>
              <strong data-testid={`setting-${key}`}>{value}</strong> {t(`oversight.settings.units.${key}`)}
            </dd>
          </div>
        ))}
      </dl>
      {canEdit ? (
        <ScheduledChangeForm intent="threshold" fields={["key", "value"]} errors={errors}>
          <label>
            {t("oversight.settings.setting")}
            <select name="key" className={input} aria-invalid={Boolean(errors("key"))}>
              {Object.keys(current).map((key) => (
                <option key={key} value={key}>
                  {t(`oversight.settings.keys.${key}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("oversight.settings.value")}
            <input name="value" type="number" min={1} max={100000} className={`${input} w-28`} aria-invalid={Boolean(errors("value"))} />
          </label>
        </ScheduledChangeForm>
      ) : null}
      <Table
        caption={t("oversight.settings.thresholdsHistory")}
        head={
          <tr>
            <th className="px-3 py-2">{t("committee.effectiveFrom")}</th>
            <th className="px-3 py-2">{t("oversight.settings.setting")}</th>
            <th className="px-3 py-2">{t("oversight.settings.value")}</th>
            <th className="px-3 py-2">{t("committee.reason")}</th>
            <th className="px-3 py-2">{t("committee.setBy")}</th>
          </tr>
        }
      >
        {history.map((h) => (
          <tr key={h.id} data-testid="threshold-history">
            <WhenCell row={h} canEdit={canEdit} />
            <td className="px-3 py-2">{t(`oversight.settings.keys.${h.key}`)}</td>
            <td className="px-3 py-2">{h.value}</td>
            <td className="px-3 py-2">{h.reason}</td>
            <td className="px-3 py-2">{h.setBy ?? "—"}</td>
          </tr>
        ))}
      </Table>
    </SettingsSection>
  );
}

export interface WeightChange {
  id: string;
  effectiveFrom: string;
  scheduled: boolean;
  reason: string;
  setBy: string | null;
  weights: Record<Criterion, number>;
}

/** The evaluation weights (decision 055): the six in force, one form for all six, and every change. */
export function WeightsSection({
  current,
  history,
  canEdit,
  errors,
}: {
  current: Record<Criterion, number>;
  history: WeightChange[];
  canEdit: boolean;
  errors: FieldErrors;
}) {
  const { t } = useTranslation();
  return (
    <SettingsSection id="weights" title={t("oversight.settings.weights")} lead={t("oversight.settings.weightsLead")}>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        {criteria.map((c) => (
          <div key={c} className="contents">
            <dt>{t(`supervision.criteria.${c}`)}</dt>
            <dd>
              <strong data-testid={`weight-${c}`}>{current[c]}</strong>%
            </dd>
          </div>
        ))}
      </dl>
      {canEdit ? (
        <ScheduledChangeForm intent="weights" fields={criteria} errors={errors}>
          {criteria.map((c) => (
            <label key={c}>
              {t(`supervision.criteria.${c}`)}
              <input name={c} type="number" min={0} max={100} defaultValue={current[c]} className={`${input} w-20`} aria-invalid={Boolean(errors(c))} />
            </label>
          ))}
        </ScheduledChangeForm>
      ) : null}
      <Table
        caption={t("oversight.settings.weightsHistory")}
        head={
          <tr>
            <th className="px-3 py-2">{t("committee.effectiveFrom")}</th>
            {criteria.map((c) => (
              <th key={c} className="px-3 py-2 text-right">
                {t(`supervision.criteria.${c}`)}
              </th>
            ))}
            <th className="px-3 py-2">{t("committee.reason")}</th>
            <th className="px-3 py-2">{t("committee.setBy")}</th>
          </tr>
        }
      >
        {history.map((h) => (
          <tr key={h.id} data-testid="weights-history">
            <WhenCell row={h} canEdit={canEdit} />
            {criteria.map((c) => (
              <td key={c} className="px-3 py-2 text-right">
                {h.weights[c]}
              </td>
            ))}
            <td className="px-3 py-2">{h.reason}</td>
            <td className="px-3 py-2">{h.setBy ?? "—"}</td>
          </tr>
        ))}
      </Table>
    </SettingsSection>
  );
}

interface Period {
  id: string;
  code: string;
  startsOn: string;
  endsOn: string;
  dueOn: string;
}

export function ReportPeriodsSection({ periods, canEdit, errors }: { periods: Period[]; canEdit: boolean; errors: FieldErrors }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return (
    <SettingsSection id="periods" title={t("oversight.settings.periods")} lead={t("oversight.settings.periodsLead")}>
      {canEdit ? (
        <Form method="post" className="flex flex-wrap items-end gap-3 rounded border border-gray-200 bg-white p-4 text-sm">
          <input type="hidden" name="intent" value="period" />
          <label>
            {t("oversight.settings.periodCode")}
            <input name="code" placeholder="2027-2028-1" className={`${input} w-32`} aria-invalid={Boolean(errors("code"))} />
          </label>
          {(["startsOn", "endsOn", "dueOn"] as const).map((name) => (
            <label key={name}>
              {t(`oversight.settings.${name}`)}
              <input name={name} type="date" className={input} aria-invalid={Boolean(errors(name))} />
            </label>
          ))}
          <button type="submit" className={button}>
            {t("oversight.settings.addPeriod")}
          </button>
          <div className="w-full">
            {(["code", "startsOn", "endsOn", "dueOn"] as const).map((name) => (
              <ErrorList key={name} errors={errors(name)} />
            ))}
          </div>
        </Form>
      ) : null}
      <Table
        caption={t("oversight.settings.periods")}
        head={
          <tr>
            <th className="px-3 py-2">{t("oversight.settings.periodCode")}</th>
            <th className="px-3 py-2">{t("oversight.settings.startsOn")}</th>
            <th className="px-3 py-2">{t("oversight.settings.endsOn")}</th>
            <th className="px-3 py-2">{t("oversight.settings.dueOn")}</th>
            {canEdit ? <th className="px-3 py-2">{t("oversight.settings.moveDue")}</th> : null}
          </tr>
        }
      >
        {periods.map((p) => (
          <tr key={p.id} data-testid="period-row">
            <td className="px-3 py-2 font-mono text-xs">{p.code}</td>
            <td className="px-3 py-2">{formatDay(p.startsOn, locale)}</td>
            <td className="px-3 py-2">{formatDay(p.endsOn, locale)}</td>
            <td className="px-3 py-2">{formatDay(p.dueOn, locale)}</td>
            {canEdit ? (
              <td className="px-3 py-2">
                <Form method="post" className="flex gap-2">
                  <input type="hidden" name="intent" value="movePeriod" />
                  <input type="hidden" name="periodId" value={p.id} />
                  <label className="sr-only" htmlFor={`due-${p.id}`}>
                    {t("oversight.settings.dueOn")}
                  </label>
                  <input id={`due-${p.id}`} name="dueOn" type="date" defaultValue={p.dueOn} className="rounded border border-gray-300 px-2 py-1" />
                  <ReasonAndSave id={`due-reason-${p.id}`} width="w-36" />
                </Form>
              </td>
            ) : null}
          </tr>
        ))}
      </Table>
    </SettingsSection>
  );
}

interface Industry {
  code: string;
  nameZh: string;
  nameEn: string;
  priorityArea: string | null;
}
interface IndustryChange {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
  effectiveFrom: string;
  reason: string;
  setBy: string | null;
}

export function IndustryFieldsSection({
  current,
  history,
  canEdit,
  errors,
}: {
  current: Industry[];
  history: IndustryChange[];
  canEdit: boolean;
  errors: FieldErrors;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  return (
    <SettingsSection id="industries" title={t("oversight.settings.industries")} lead={t("oversight.settings.industriesLead")}>
      <ul className="flex flex-wrap gap-2 text-sm" data-testid="industry-list">
        {current.map((i) => (
          <li key={i.code} className="rounded border border-gray-200 bg-white px-2 py-1">
            {en ? i.nameEn : i.nameZh} <span className="font-mono text-xs text-gray-500">{i.code}</span>
          </li>
        ))}
      </ul>
      {canEdit ? (
        <Form method="post" className="flex flex-wrap items-end gap-3 rounded border border-gray-200 bg-white p-4 text-sm">
          <input type="hidden" name="intent" value="industry" />
          <label>
            {t("oversight.settings.industryCode")}
            <input name="code" className={`${input} w-32`} aria-invalid={Boolean(errors("code"))} />
          </label>
          <label>
            {t("oversight.settings.nameZh")}
            <input name="nameZh" className={input} aria-invalid={Boolean(errors("nameZh"))} />
          </label>
          <label>
            {t("oversight.settings.nameEn")}
            <input name="nameEn" className={input} aria-invalid={Boolean(errors("nameEn"))} />
          </label>
          <label>
            {t("oversight.settings.priorityArea")}
            <select name="priorityArea" className={input}>
              <option value="">—</option>
              {["five-centres", "four-brands", "new-occupations", "new-infrastructure"].map((area) => (
                <option key={area} value={area}>
                  {t(`oversight.settings.areas.${area}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="flex-1">
            {t("committee.reason")}
            <input name="reason" className={`${input} w-full`} aria-invalid={Boolean(errors("reason"))} />
          </label>
          <button type="submit" className={button}>
            {t("committee.save")}
          </button>
          <div className="w-full">
            {(["code", "nameZh", "nameEn", "reason"] as const).map((name) => (
              <ErrorList key={name} errors={errors(name)} />
            ))}
          </div>
        </Form>
      ) : null}
      <Table
        caption={t("oversight.settings.industriesHistory")}
        head={
          <tr>
            <th className="px-3 py-2">{t("committee.effectiveFrom")}</th>
            <th className="px-3 py-2">{t("oversight.settings.industryCode")}</th>
            <th className="px-3 py-2">{t("oversight.settings.name")}</th>
            <th className="px-3 py-2">{t("committee.reason")}</th>
            <th className="px-3 py-2">{t("committee.setBy")}</th>
          </tr>
        }
      >
        {history.map((h) => (
          <tr key={h.id}>
            <td className="px-3 py-2">{formatDateTime(h.effectiveFrom, locale)}</td>
            <td className="px-3 py-2 font-mono text-xs">{h.code}</td>
            <td className="px-3 py-2">{en ? h.nameEn : h.nameZh}</td>
            <td className="px-3 py-2">{h.reason}</td>
            <td className="px-3 py-2">{h.setBy ?? "—"}</td>
          </tr>
        ))}
      </Table>
    </SettingsSection>
  );
}

/** The end of a table row's inline settings form: the reason for the change and its save button. */
export function ReasonAndSave({ id, width }: { id: string; width: string }) {
  const { t } = useTranslation();
  return (
    <>
      <label className="sr-only" htmlFor={id}>
        {t("committee.reason")}
      </label>
      <input id={id} name="reason" placeholder={t("committee.reason")} className={`${width} rounded border border-gray-300 px-2 py-1`} />
      <button type="submit" className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100">
        {t("committee.save")}
      </button>
    </>
  );
}
