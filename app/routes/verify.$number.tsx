import { json, type HeadersFunction, type LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { SuspendedMark } from "~/modules/admission/components";
import { lookUpCredential, publicUrl, qrCodeSvg, verifyRetryAfter } from "~/modules/credentials/verify.server";
import { publicPage } from "~/modules/public-cache/public-cache.server";
import { withPublic } from "~/modules/tenancy/context.server";
import { formatDay } from "~/ui/format";
import { titleFrom } from "~/ui/page-title";

export const handle = titleFrom<typeof loader>((data, t) =>
  data.found ? `${t("credentials.verifyTitle")} ${data.credential?.number}` : t("credentials.verifyTitle"),
);

// Whatever the number, the answer has the same keys: a malformed, unknown or draft number is a 404
// with `credential: null`, so the page tells nothing about why (issue 16, item 4). The lookup is counted
// first (per client address, in PostgreSQL); the page itself comes from the public cache (decision 026):
// produced once per 'verify' data version, language, day and number, a 304 for a client that has it.
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const wait = await verifyRetryAfter();
  // Refused: the same shape again, told apart only by the status and Retry-After; never cached.
  if (wait)
    return json({ found: false, credential: null, pageUrl: null, qrSvg: null, retryAfter: wait }, { status: 429, headers: { "Retry-After": String(wait) } });
  const data = await publicPage({ request, context }, "verify", () =>
    withPublic({ request, context }, async (tx) => {
      const credential = await lookUpCredential(tx, params.number ?? "");
      const pageUrl = credential ? publicUrl(request, `/verify/${credential.number}`) : null;
      return { found: credential !== null, credential, pageUrl, qrSvg: pageUrl ? await qrCodeSvg(pageUrl) : null, retryAfter: null as number | null };
    }),
  );
  return json(data, { status: data.found ? 200 : 404 });
}

// A refused lookup (429) keeps its Retry-After.
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

const statusStyle: Record<string, string> = {
  active: "bg-green-100 text-green-800",
  suspended: "bg-amber-100 text-amber-800",
  revoked: "bg-red-100 text-red-800",
  expired: "bg-gray-200 text-gray-800",
};

export default function VerifiedCredential() {
  const { credential, pageUrl, qrSvg, retryAfter } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const en = locale === "en";
  return (
    <div className="mx-auto max-w-2xl space-y-4">
      <Link to="/verify" className="text-sm text-blue-700 hover:underline">
        ← {t("credentials.verifyAnother")}
      </Link>
      <h1 className="text-2xl font-bold">{t("credentials.verifyTitle")}</h1>
      {credential ? (
        <div className="flex flex-wrap gap-6 rounded border border-gray-200 bg-white p-6" data-testid="verified-credential">
          <dl className="grid flex-1 grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
            <dt className="text-gray-600">{t("credentials.number")}</dt>
            <dd className="font-mono">{credential.number}</dd>
            <dt className="text-gray-600">{t("credentials.result")}</dt>
            <dd>
              <span className={`rounded px-2 py-0.5 font-medium ${statusStyle[credential.status] ?? ""}`} data-testid="verify-status">
                {credential.valid ? t("credentials.validYes") : t("credentials.validNo")} · {t(`credentials.statuses.${credential.status}`)}
              </span>
            </dd>
            <dt className="text-gray-600">{t("credentials.holder")}</dt>
            <dd data-testid="verify-holder">{credential.holder}</dd>
            <dt className="text-gray-600">{t("credentials.role")}</dt>
            <dd>{t(`credentials.roles.${credential.role}`)}</dd>
            <dt className="text-gray-600">{t("credentials.certificate")}</dt>
            <dd>
              {credential.certificateCode} · {en ? credential.certificateNameEn : credential.certificateNameZh}
            </dd>
            <dt className="text-gray-600">{t("credentials.levels")}</dt>
            <dd>{credential.levels.map((l) => t(`certificates.levelNames.${l}`)).join(" / ")}</dd>
            <dt className="text-gray-600">{t("credentials.organization")}</dt>
            <dd>
              {(en && credential.organizationNameEn) || credential.organizationName}
              <SuspendedMark suspended={credential.organizationSuspended} />
            </dd>
            <dt className="text-gray-600">{t("credentials.validity")}</dt>
            <dd>
              {formatDay(credential.issuedOn, locale)} – {formatDay(credential.expiresOn, locale)}
            </dd>
          </dl>
          {qrSvg ? (
            <figure className="w-40 text-center text-xs text-gray-600">
              {/* Generated on the server from this page's own address (qrcode): no user input inside. */}
              <div role="img" aria-label={t("credentials.qrLabel")} dangerouslySetInnerHTML={{ __html: qrSvg }} />
              <figcaption className="mt-1 break-all">{pageUrl}</figcaption>
            </figure>
          ) : null}
          {credential.organizationSuspended ? (
            <p role="status" data-testid="organization-suspended" className="w-full rounded border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900">
              {t("admission.public.suspendedCredential")}
            </p>
          ) : null}
          <p className="w-full text-xs text-gray-600">
            {t("credentials.signedHint")}{" "}
            <a href={`/verify/${credential.number}.json`} className="text-blue-700 hover:underline">
              {t("credentials.signedLink")}
            </a>
          </p>
        </div>
      ) : retryAfter ? (
        <p className="rounded border border-amber-200 bg-amber-50 p-4 text-amber-900" role="alert">
          {t("credentials.tooMany", { seconds: retryAfter })}
        </p>
      ) : (
        <p className="rounded border border-red-200 bg-red-50 p-4 text-red-900" role="alert" data-testid="verify-not-found">
          {t("credentials.notFound")}
        </p>
      )}
    </div>
  );
}
