import type { SerializeFrom } from "@remix-run/node";
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import type { workspaceOverview } from "~/modules/overview/overview.server";
import { formatDateTime, formatDay, formatFen } from "~/ui/format";
import { EmptyState, Table } from "~/ui/list";

// The overview's sections (app/routes/w.$slug._index.tsx). Links are relative to /w/:slug.

type Overview = SerializeFrom<typeof workspaceOverview>;
type Section<K extends keyof Overview> = NonNullable<Overview[K]>;

const link = "text-blue-700 hover:underline";

function useFormat() {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  return { t, locale, en: locale === "en" };
}

type SectionLink = { to: string; label: string } | false;

/** A section with its title and the pages it leads to (a `false` link is one the member may not open). */
export function OverviewSection({ title, links = [], children, testId }: { title: string; links?: SectionLink[]; children: ReactNode; testId: string }) {
  return (
    <section className="space-y-3" data-testid={testId}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 className="text-lg font-semibold">{title}</h2>
        <span className="flex gap-3 text-sm">
          {links
            .filter((l): l is Exclude<SectionLink, false> => l !== false)
            .map((l) => (
              <Link key={l.to} to={l.to} className={link}>
                {l.label}
              </Link>
            ))}
        </span>
      </div>
      {children}
    </section>
  );
}

function BankCard({
  name,
  to,
  items,
  updated,
  detail,
  testId,
}: {
  name: string;
  to: string;
  items: number;
  updated: string | null;
  detail?: string;
  testId: string;
}) {
  const { t, locale } = useFormat();
  return (
    <Link to={to} className="block rounded border border-gray-200 bg-white p-4 hover:border-blue-300" data-testid={testId}>
      <p className="text-sm text-gray-600">{name}</p>
      <p className="text-3xl font-semibold" data-testid="count">
        {items}
      </p>
      {detail ? <p className="text-xs text-gray-600">{detail}</p> : null}
      <p className="mt-1 text-xs text-gray-500" data-testid="updated" data-at={updated ?? ""}>
        {updated ? t("overview.banks.updated", { at: formatDateTime(updated, locale) }) : t("overview.banks.never")}
      </p>
    </Link>
  );
}

export function Banks({ banks, canWrite }: { banks: Section<"banks">; canWrite: boolean }) {
  const { t, locale, en } = useFormat();
  const { totals } = banks;
  const latest = (...at: (string | null)[]) =>
    at
      .filter((a): a is string => a !== null)
      .sort()
      .pop() ?? null;
  return (
    <OverviewSection title={t("overview.banks.title")} testId="overview-banks">
      <p className="text-sm text-gray-600">{t("overview.banks.lead")}</p>
      {banks.certificates.length === 0 ? (
        <EmptyState>
          {t("overview.banks.empty")}{" "}
          {canWrite ? (
            <Link to="certificates/new" className={link}>
              {t("overview.banks.newCertificate")}
            </Link>
          ) : null}
        </EmptyState>
      ) : (
        <>
          <div className="grid gap-3 sm:grid-cols-3">
            <BankCard
              name={t("overview.banks.questions")}
              to="questions"
              items={totals.questions.items}
              updated={totals.questions.updated}
              detail={t("overview.banks.split", { practice: totals.questions.practice, exam: totals.questions.exam })}
              testId="bank-questions"
            />
            <BankCard name={t("overview.banks.cases")} to="cases" items={totals.cases.items} updated={totals.cases.updated} testId="bank-cases" />
            <BankCard
              name={t("overview.banks.materials")}
              to="materials"
              items={totals.materials.items}
              updated={totals.materials.updated}
              testId="bank-materials"
            />
          </div>
          <Table
            caption={t("overview.banks.title")}
            head={
              <tr>
                <th className="px-3 py-2">{t("overview.banks.certificate")}</th>
                <th className="px-3 py-2 text-right">{t("overview.banks.practice")}</th>
                <th className="px-3 py-2 text-right">{t("overview.banks.exam")}</th>
                <th className="px-3 py-2 text-right">{t("overview.banks.cases")}</th>
                <th className="px-3 py-2 text-right">{t("overview.banks.materials")}</th>
                <th className="px-3 py-2">{t("overview.banks.withoutPractice")}</th>
                <th className="px-3 py-2">{t("overview.banks.lastUpdated")}</th>
              </tr>
            }
          >
            {banks.certificates.map((c) => {
              const updated = latest(c.questions.updated, c.cases.updated, c.materials.updated);
              const query = `?certificate=${c.id}`;
              return (
                <tr key={c.id} data-testid="bank-row" data-certificate={c.code}>
                  <td className="px-3 py-2">
                    <Link to={`certificates/${c.id}`} className={link}>
                      <span className="font-mono text-xs">{c.code}</span> {en ? c.nameEn : c.nameZh}
                    </Link>
                  </td>
                  <td className="px-3 py-2 text-right">
                    <Link to={`questions${query}&pool=practice`} className={link} data-testid="practice">
                      {c.questions.practice}
                    </Link>
                  </td>
                  <td className="px-3 py-2 text-right">
                    <Link to={`questions${query}&pool=exam`} className={link} data-testid="exam">
                      {c.questions.exam}
                    </Link>
                  </td>
                  <td className="px-3 py-2 text-right">
                    <Link to={`cases${query}`} className={link} data-testid="cases">
                      {c.cases.items}
                    </Link>
                  </td>
                  <td className="px-3 py-2 text-right">
                    <Link to={`materials${query}`} className={link} data-testid="materials">
                      {c.materials.items}
                    </Link>
                  </td>
                  <td className="px-3 py-2">
                    {c.requirements === 0 ? (
                      <Link to={`certificates/${c.id}/standards`} className="text-gray-600 hover:underline">
                        {t("overview.banks.noStandard")}
                      </Link>
                    ) : (
                      <Link
                        to={`coverage${query}`}
                        className={c.withoutPractice ? "text-amber-800 hover:underline" : link}
                        data-testid="without-practice"
                        data-count={c.withoutPractice}
                        data-uncovered={c.uncovered}
                      >
                        {t("overview.banks.withoutPracticeOf", { count: c.withoutPractice, total: c.requirements })}
                        {c.uncovered ? <span className="block text-xs">{t("overview.banks.uncovered", { count: c.uncovered })}</span> : null}
                      </Link>
                    )}
                  </td>
                  <td className="whitespace-nowrap px-3 py-2 text-gray-600">{updated ? formatDateTime(updated, locale) : t("overview.banks.never")}</td>
                </tr>
              );
            })}
          </Table>
        </>
      )}
    </OverviewSection>
  );
}

export function Imports({ jobs }: { jobs: Section<"imports"> }) {
  const { t, locale } = useFormat();
  const links = [
    { to: "questions/import", label: t("overview.imports.importQuestions") },
    { to: "cases/import", label: t("overview.imports.importCases") },
  ];
  return (
    <OverviewSection title={t("overview.imports.title")} links={links} testId="overview-imports">
      {jobs.length === 0 ? (
        <EmptyState>{t("overview.imports.empty")}</EmptyState>
      ) : (
        <>
          <p className="text-sm text-gray-600">{t("overview.imports.lead")}</p>
          <Table
            caption={t("overview.imports.title")}
            head={
              <tr>
                <th className="px-3 py-2">{t("overview.imports.kind")}</th>
                <th className="px-3 py-2">{t("overview.imports.file")}</th>
                <th className="px-3 py-2">{t("overview.imports.status")}</th>
                <th className="px-3 py-2">{t("overview.imports.startedAt")}</th>
              </tr>
            }
          >
            {jobs.map((job) => (
              <tr key={job.id} data-testid="import-row" data-status={job.status} className={job.status === "failed" ? "bg-red-50" : undefined}>
                <td className="px-3 py-2">{t(`overview.imports.kinds.${job.kind}`)}</td>
                <td className="px-3 py-2">
                  <Link to={`${job.kind}/import/${job.id}`} className={link}>
                    {job.fileName}
                  </Link>
                </td>
                <td className="px-3 py-2">{t(`${job.kind}.import.statuses.${job.status}`)}</td>
                <td className="whitespace-nowrap px-3 py-2">{formatDateTime(job.createdAt, locale)}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </OverviewSection>
  );
}

function FeeHead({ last }: { last: string }) {
  const { t } = useFormat();
  return (
    <tr>
      <th className="px-3 py-2">{t("overview.fees.certificate")}</th>
      <th className="px-3 py-2">{t("overview.fees.level")}</th>
      <th className="px-3 py-2">{t("overview.fees.kind")}</th>
      <th className="px-3 py-2 text-right">{t("overview.fees.amount")}</th>
      <th className="px-3 py-2">{last}</th>
    </tr>
  );
}

export function Fees({ fees, canPublish }: { fees: Section<"fees">; canPublish: boolean }) {
  const { t, locale } = useFormat();
  const links = [{ to: "fees", label: t("overview.fees.all") }, canPublish && { to: "fees/new", label: t("overview.fees.new") }];
  const fee = (row: { id: string; certificateCode: string; certificate: string; level: string; kind: string }) => (
    <>
      <td className="px-3 py-2">
        <Link to={`fees/${row.id}`} className={link}>
          <span className="font-mono text-xs">{row.certificateCode}</span> {row.certificate}
        </Link>
      </td>
      <td className="px-3 py-2">{t(`certificates.levelNames.${row.level}`)}</td>
      <td className="px-3 py-2">{t(`fees.kinds.${row.kind}`)}</td>
    </>
  );
  const amount = (fen: number, unit: string) => (
    <>
      {formatFen(fen, locale)} <span className="text-xs text-gray-500">{t(`fees.units.${unit}`)}</span>
    </>
  );
  return (
    <OverviewSection title={t("overview.fees.title")} links={links} testId="overview-fees">
      <h3 className="font-medium">{t("overview.fees.inForce", { date: formatDay(fees.asOf, locale) })}</h3>
      {fees.inForce.length === 0 ? (
        <EmptyState>
          {t("overview.fees.emptyInForce")} {canPublish ? t("overview.fees.emptyInForcePublish") : null}
        </EmptyState>
      ) : (
        <Table caption={t("overview.fees.inForce", { date: formatDay(fees.asOf, locale) })} head={<FeeHead last={t("overview.fees.since")} />}>
          {fees.inForce.map((row) => (
            <tr key={row.id} data-testid="fee-in-force" data-amount={row.amountFen}>
              {fee(row)}
              <td className="whitespace-nowrap px-3 py-2 text-right">{amount(row.amountFen, row.unit)}</td>
              <td className="whitespace-nowrap px-3 py-2">{formatDay(row.effectiveFrom, locale)}</td>
            </tr>
          ))}
        </Table>
      )}
      {fees.moreInForce ? <p className="text-sm text-gray-600">{t("overview.fees.more", { count: fees.inForce.length })}</p> : null}
      <h3 className="font-medium">{t("overview.fees.announced")}</h3>
      {fees.announced.length === 0 ? (
        <EmptyState>{t("overview.fees.emptyAnnounced")}</EmptyState>
      ) : (
        <Table caption={t("overview.fees.announced")} head={<FeeHead last={t("overview.fees.since")} />}>
          {fees.announced.map((row) => (
            <tr key={row.id} data-testid="fee-announced" data-amount={row.amountFen} data-current={row.currentFen ?? ""}>
              {fee(row)}
              <td className="whitespace-nowrap px-3 py-2 text-right">
                <span className="text-gray-500">{row.currentFen === null ? t("overview.fees.noCurrent") : formatFen(row.currentFen, locale)}</span> →{" "}
                {amount(row.amountFen, row.unit)}
              </td>
              <td className="whitespace-nowrap px-3 py-2">{t("overview.fees.from", { date: formatDay(row.effectiveFrom, locale) })}</td>
            </tr>
          ))}
        </Table>
      )}
      {fees.moreAnnounced ? <p className="text-sm text-gray-600">{t("overview.fees.more", { count: fees.announced.length })}</p> : null}
    </OverviewSection>
  );
}

export function Findings({ findings }: { findings: Section<"findings"> }) {
  const { t, locale } = useFormat();
  return (
    <OverviewSection title={t("overview.findings.title")} testId="overview-findings">
      {findings.total === 0 ? (
        <EmptyState>{t("overview.findings.empty")}</EmptyState>
      ) : (
        <>
          <p className="text-sm text-gray-600">{t("overview.findings.lead", { count: findings.total })}</p>
          <Table
            caption={t("overview.findings.title")}
            head={
              <tr>
                <th className="px-3 py-2">{t("overview.findings.type")}</th>
                <th className="px-3 py-2">{t("overview.findings.detail")}</th>
                <th className="px-3 py-2">{t("overview.findings.at")}</th>
                <th className="px-3 py-2" />
              </tr>
            }
          >
            {findings.rows.map((finding) => (
              <tr key={finding.key} data-testid="finding-row" data-type={finding.type} className="bg-amber-50">
                <td className="px-3 py-2 font-medium">{t(`committee.findingTypes.${finding.type}`)}</td>
                <td className="px-3 py-2">{finding.summary}</td>
                <td className="whitespace-nowrap px-3 py-2">{formatDateTime(finding.at, locale)}</td>
                <td className="whitespace-nowrap px-3 py-2">
                  {finding.link ? (
                    <Link to={finding.link} className={link}>
                      {t("overview.findings.evidence")}
                    </Link>
                  ) : null}
                </td>
              </tr>
            ))}
          </Table>
          {findings.total > findings.rows.length ? (
            <p className="text-sm text-gray-600">{t("overview.findings.more", { count: findings.rows.length })}</p>
          ) : null}
        </>
      )}
    </OverviewSection>
  );
}

export function Orders({ orders, canOrder }: { orders: Section<"orders">; canOrder: boolean }) {
  const { t, locale } = useFormat();
  const links = [{ to: "orders", label: t("overview.orders.all") }, canOrder && { to: "orders/new", label: t("orders.new") }];
  return (
    <OverviewSection title={t("overview.orders.title")} links={links} testId="overview-orders">
      {orders.length === 0 ? (
        <EmptyState>{t("orders.emptySchool")}</EmptyState>
      ) : (
        <Table
          caption={t("overview.orders.title")}
          head={
            <tr>
              <th className="px-3 py-2">{t("orders.number")}</th>
              <th className="px-3 py-2">{t("orders.certificate")}</th>
              <th className="px-3 py-2">{t("orders.examDate")}</th>
              <th className="px-3 py-2 text-right">{t("orders.total")}</th>
              <th className="px-3 py-2">{t("orders.status")}</th>
            </tr>
          }
        >
          {orders.map((order) => (
            <tr key={order.id} data-testid="order-row">
              <td className="px-3 py-2">
                <Link to={`orders/${order.id}`} className={`font-mono text-xs ${link}`}>
                  {order.number}
                </Link>
              </td>
              <td className="px-3 py-2">
                {order.certificateCode} · {t(`certificates.levelNames.${order.level}`)}
              </td>
              <td className="whitespace-nowrap px-3 py-2">{formatDay(order.examDate, locale)}</td>
              <td className="whitespace-nowrap px-3 py-2 text-right">{formatFen(order.totalFen, locale)}</td>
              <td className="px-3 py-2">{t(`orders.statuses.${order.status}`)}</td>
            </tr>
          ))}
        </Table>
      )}
    </OverviewSection>
  );
}

export function Committee() {
  const { t } = useFormat();
  return (
    <OverviewSection title={t("overview.committee.title")} testId="overview-committee">
      <div className="rounded border border-gray-200 bg-white p-4 text-sm">
        <p className="mb-2 text-gray-600">{t("overview.committee.lead")}</p>
        <ul className="flex flex-wrap gap-4">
          <li>
            <Link to="/committee" className={`font-medium ${link}`}>
              {t("overview.committee.open")}
            </Link>
          </li>
          <li>
            <Link to="/committee/fees" className={link}>
              {t("committee.nav.feeAudit")}
            </Link>
          </li>
          <li>
            <Link to="/committee/banks" className={link}>
              {t("committee.nav.banks")}
            </Link>
          </li>
          <li>
            <Link to="/committee/settings" className={link}>
              {t("committee.nav.settings")}
            </Link>
          </li>
        </ul>
      </div>
    </OverviewSection>
  );
}

export function RecentActivity({ rows }: { rows: Section<"recent"> }) {
  const { t, locale } = useFormat();
  return (
    <OverviewSection title={t("overview.recent")} links={[{ to: "audit", label: t("overview.allActivity") }]} testId="overview-recent">
      {rows.length === 0 ? (
        <EmptyState>{t("audit.empty")}</EmptyState>
      ) : (
        <ul className="divide-y divide-gray-100 rounded border border-gray-200 bg-white text-sm">
          {rows.map((entry) => (
            <li key={entry.id} className="flex justify-between gap-3 px-3 py-2" data-testid="recent-row">
              <span>
                {entry.actor ?? "—"} · {entry.action} <span className="text-xs text-gray-500">({entry.entity})</span>
              </span>
              <span className="whitespace-nowrap text-gray-500">{formatDateTime(entry.at, locale)}</span>
            </li>
          ))}
        </ul>
      )}
    </OverviewSection>
  );
}
