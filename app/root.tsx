import type { LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import {
  Form,
  isRouteErrorResponse,
  Link,
  Links,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useMatches,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import { useMemo, type ReactNode } from "react";
import { I18nextProvider, useTranslation } from "react-i18next";
import { createI18n, defaultLocale, type Locale } from "./i18n/i18n";
import { readVisitor } from "./modules/tenancy/context.server";
import { myTenants } from "./modules/tenancy/service.server";
import stylesheet from "./tailwind.css";
import { useDocumentLocale, useNonce } from "./ui/document-context";
import { documentHead } from "./ui/page-title";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  // The session's identity, shared with the layout and page loaders: no transaction of its own.
  const visitor = await readVisitor({ request, context });
  return {
    locale: visitor.locale,
    user: visitor.user ? { name: visitor.user.name, email: visitor.user.email } : null,
    tenants: myTenants(visitor.memberships),
  };
}

export function useRootData() {
  return useRouteLoaderData<typeof loader>("root");
}

function Document({ locale, errorTitleKey = null, children }: { locale: Locale; errorTitleKey?: string | null; children: ReactNode }) {
  const nonce = useNonce();
  const i18n = useMemo(() => createI18n(locale), [locale]);
  const head = documentHead(useMatches(), locale, errorTitleKey);
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{head.title}</title>
        {head.meta.map((tag) => (
          <meta key={tag.name} name={tag.name} content={tag.content} />
        ))}
        <Links />
      </head>
      <body className="min-h-screen bg-gray-50 text-gray-900">
        <I18nextProvider i18n={i18n}>{children}</I18nextProvider>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

function LanguageSwitch({ locale }: { locale: Locale }) {
  const location = useLocation();
  const { t } = useTranslation();
  const next = locale === "en" ? "zh-CN" : "en";
  return (
    <Form method="post" action="/set-language" className="inline">
      <input type="hidden" name="locale" value={next} />
      <input type="hidden" name="redirectTo" value={`${location.pathname}${location.search}`} />
      <button type="submit" className="rounded px-2 py-1 text-sm hover:bg-gray-100" lang={next} data-testid="language-switch">
        {t("nav.switchLanguage")}
      </button>
    </Form>
  );
}

function Header() {
  const data = useRootData();
  const { t } = useTranslation();
  const locale = data?.locale ?? defaultLocale;
  return (
    <header className="no-print border-b border-gray-200 bg-white">
      <nav aria-label={t("nav.main")} className="mx-auto flex max-w-6xl items-center gap-4 px-4 py-3">
        <Link to="/" className="text-lg font-bold text-blue-800">
          XCert
        </Link>
        <span className="hidden text-sm text-gray-500 sm:inline">{t("app.tagline")}</span>
        <div className="ml-auto flex items-center gap-3">
          <Link to="/fees" className="text-sm hover:underline">
            {t("nav.publicFees")}
          </Link>
          <Link to="/library/certificates" className="text-sm hover:underline">
            {t("library.catalogue.title")}
          </Link>
          <Link to="/verify" className="text-sm hover:underline">
            {t("credentials.verifyTitle")}
          </Link>
          <LanguageSwitch locale={locale} />
          {data?.user ? (
            <>
              <Link to="/workspaces" className="text-sm hover:underline">
                {t("nav.workspaces")}
              </Link>
              <span className="text-sm text-gray-600" data-testid="current-user">
                {data.user.name}
              </span>
              <Form method="post" action="/logout">
                <button type="submit" className="rounded px-2 py-1 text-sm hover:bg-gray-100">
                  {t("nav.logout")}
                </button>
              </Form>
            </>
          ) : (
            <>
              <Link to="/login" className="text-sm hover:underline">
                {t("nav.login")}
              </Link>
              <Link to="/signup" className="rounded bg-blue-700 px-3 py-1 text-sm text-white hover:bg-blue-800">
                {t("nav.signup")}
              </Link>
            </>
          )}
        </div>
      </nav>
    </header>
  );
}

export default function App() {
  const data = useRootData();
  return (
    <Document locale={data?.locale ?? defaultLocale}>
      <Header />
      <main className="mx-auto max-w-6xl px-4 py-6">
        <Outlet />
      </main>
    </Document>
  );
}

export function ErrorBoundary() {
  const data = useRootData();
  const documentLocale = useDocumentLocale();
  const error = useRouteError();
  return (
    <Document locale={data?.locale ?? documentLocale} errorTitleKey={`errorPage.${errorKey(error)}.title`}>
      <Header />
      <main className="mx-auto max-w-6xl px-4 py-6">
        <ErrorPage />
      </main>
    </Document>
  );
}

/** A body refused for its size comes with the limit (app/ui/forms.server.ts), which the page states. */
function sizeLimitOf(error: unknown) {
  const limit = isRouteErrorResponse(error) && error.status === 413 ? (error.data as { limit?: unknown } | null)?.limit : undefined;
  return typeof limit === "string" ? limit : undefined;
}

function errorKey(error: unknown) {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  if (status === 404) return "notFound";
  if (status === 403) return "forbidden";
  if (sizeLimitOf(error)) return "tooLarge";
  return status < 500 ? "badRequest" : status === 503 ? "unavailable" : "serverError";
}

/** 404, 403, 413 and 500 pages in the user's language; no stack traces for users. */
function ErrorPage() {
  const error = useRouteError();
  const { t } = useTranslation();
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const limit = sizeLimitOf(error);
  const key = errorKey(error);
  return (
    <section className="py-16 text-center">
      <p className="text-5xl font-bold text-gray-300">{status}</p>
      <h1 className="mt-4 text-2xl font-semibold">{t(`errorPage.${key}.title`)}</h1>
      <p className="mt-2 text-gray-600">{t(`errorPage.${key}.body`, { limit })}</p>
      <Link to="/" className="mt-6 inline-block text-blue-700 hover:underline">
        {t("errorPage.home")}
      </Link>
    </section>
  );
}
