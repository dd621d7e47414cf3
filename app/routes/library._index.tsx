import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { translator, type Locale } from "~/i18n/i18n";
import { BankFilterForm, SearchBox, UpdatedSinceFilter } from "~/modules/banks/components/bank-filters";
import { levels } from "~/modules/certificates/schemas";
import { libraryFilterOptions, libraryItemPath, libraryScopeCookie, readLibraryScope, searchLibrary } from "~/modules/library/library.server";
import { libraryFilterSchema, libraryKinds, libraryScopeSchema } from "~/modules/library/schemas";
import { withLibrary } from "~/modules/tenancy/context.server";
import { ErrorList } from "~/ui/form";
import { formatDateTime } from "~/ui/format";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import { EmptyState, filterSelect, NextPage } from "~/ui/list";
import type { RouteHandle } from "~/ui/page-title";

// The shared course library (课程资源库, §二.6): every organization's shared items, searched with
// space-separated terms that must all match, filtered, newest first, keyset pages.
export const handle: RouteHandle = { title: "library.title" };

export async function loader({ request, context }: LoaderFunctionArgs) {
  return withLibrary({ request, context }, await readLibraryScope(request), async (tx, ctx, choices) => {
    const filter = libraryFilterSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    // Independent reads: sent together (pipelined in the transaction).
    const [page, options] = await Promise.all([searchLibrary(tx, filter), libraryFilterOptions(tx, filter)]);
    return {
      scope: ctx.tenant,
      choices,
      rows: page.rows.map((row) => ({ ...row, path: libraryItemPath(row) })),
      nextCursor: page.nextCursor,
      options,
    };
  });
}

// Choosing the school (or workspace) the library is read as, for a user of several: kept in a cookie.
export async function action({ request }: ActionFunctionArgs) {
  return withLibrary(request, undefined, async (_tx, ctx, choices) => {
    const submission = await parseForm(request, libraryScopeSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    if (!choices.some((c) => c.slug === submission.value.scope))
      return rejectSubmission(submission, { status: 400, fieldErrors: { scope: [translator(ctx.locale)("errors.invalidOption")] } });
    return redirect("/library", { headers: { "Set-Cookie": await libraryScopeCookie().serialize(submission.value.scope) } });
  });
}

export default function Library() {
  const { scope, choices, rows, nextCursor, options } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  const select = filterSelect(searchParams, t("library.all"));
  const nameOf = (x: { name: string; nameEn: string | null }) => (en && x.nameEn ? x.nameEn : x.name);
  const filtered = [...searchParams.keys()].some((k) => k !== "cursor");
  const exportQuery = new URLSearchParams(searchParams);
  exportQuery.delete("cursor");
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h1 className="text-2xl font-bold">{t("library.title")}</h1>
          <p className="text-sm text-gray-600">{t("library.lead")}</p>
          <p className="text-sm text-gray-600">
            <Link to="/library/certificates" className="text-blue-700 hover:underline">
              {t("library.catalogue.title")}
            </Link>
          </p>
        </div>
        <div className="flex flex-col items-end gap-2">
          {choices.length > 1 ? (
            <Form method="post" className="flex items-end gap-2 text-sm">
              <label>
                {t("library.scope")}
                <select name="scope" defaultValue={scope.slug} className="mt-1 block rounded border border-gray-300 bg-white px-2 py-1">
                  {choices.map((c) => (
                    <option key={c.slug} value={c.slug}>
                      {nameOf(c)}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100">
                {t("library.chooseScope")}
              </button>
              <ErrorList errors={actionData?.result?.error?.scope} />
            </Form>
          ) : (
            <p className="text-sm text-gray-600" data-testid="library-scope">
              {t("library.readingAs", { name: nameOf(scope) })}
            </p>
          )}
          <span className="flex gap-2 text-sm">
            {(["csv", "xlsx"] as const).map((format) => (
              <a
                key={format}
                href={`/library/export?${new URLSearchParams([...exportQuery, ["format", format]])}`}
                className="rounded border border-gray-300 bg-white px-2 py-1 hover:bg-gray-100"
                download
              >
                {t(format === "csv" ? "common.exportCsv" : "common.exportXlsx")}
              </a>
            ))}
          </span>
        </div>
      </div>
      <BankFilterForm applyLabel={t("library.apply")}>
        <SearchBox label={t("library.search")} className="min-w-64 flex-1" />
        <label>
          {t("library.kind")}
          {select(
            "kind",
            libraryKinds.map((k) => ({ value: k, label: t(`library.kinds.${k}`) })),
          )}
        </label>
        <label>
          {t("library.organization")}
          {select(
            "organization",
            options.organizations.map((o) => ({ value: o.id, label: nameOf(o) })),
          )}
        </label>
        <label>
          {t("library.industry")}
          {select(
            "industry",
            options.industries.map((i) => ({ value: i.code, label: en ? i.nameEn : i.nameZh })),
          )}
        </label>
        <label>
          {t("library.certificate")}
          {select(
            "certificate",
            options.certificates.map((c) => ({ value: c.id, label: `${c.code} · ${en ? c.nameEn : c.nameZh}` })),
          )}
          {searchParams.get("organization") ? null : <span className="block text-xs text-gray-500">{t("library.certificateAfterOrganization")}</span>}
        </label>
        <label>
          {t("library.level")}
          {select(
            "level",
            levels.map((l) => ({ value: l, label: t(`certificates.levelNames.${l}`) })),
          )}
        </label>
        <UpdatedSinceFilter label={t("library.updatedSince")} />
      </BankFilterForm>
      {rows.length === 0 ? (
        <EmptyState>{filtered ? t("library.noResults") : t("library.empty")}</EmptyState>
      ) : (
        <ul className="divide-y divide-gray-100 rounded border border-gray-200 bg-white">
          {rows.map((row) => (
            <li key={`${row.kind}:${row.id}`} className="px-4 py-3" data-testid="library-item" data-kind={row.kind}>
              <div className="flex flex-wrap items-baseline gap-2 text-xs text-gray-500">
                <span className="rounded bg-gray-100 px-1.5 py-0.5 text-gray-700">{t(`library.kinds.${row.kind}`)}</span>
                <span data-testid="library-organization">{en && row.organizationNameEn ? row.organizationNameEn : row.organizationName}</span>
                <span className="font-mono">{row.certificateCode}</span>
                {row.level ? <span>{t(`certificates.levelNames.${row.level}`)}</span> : null}
                {row.version ? <span>v{row.version}</span> : null}
                <span>{t("library.updated", { at: formatDateTime(row.updatedAt, locale) })}</span>
              </div>
              <Link to={row.path} className="mt-1 line-clamp-2 block text-blue-700 hover:underline">
                {row.kind === "standard" ? t("library.standardOf", { name: en ? row.certificateNameEn : row.certificateNameZh }) : row.title}
              </Link>
            </li>
          ))}
        </ul>
      )}
      <NextPage cursor={nextCursor} />
    </div>
  );
}
