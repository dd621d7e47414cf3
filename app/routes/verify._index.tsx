import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { normalizeCredentialNumber } from "~/modules/credentials/number";
import { verifyFormSchema } from "~/modules/credentials/schemas";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "credentials.verifyTitle" };

// The public form: a number typed in any spacing or case goes to its page (/verify/XC-2026-000123-K).
export async function loader({ request }: LoaderFunctionArgs) {
  const parsed = verifyFormSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  const typed = parsed.success ? parsed.data.number.trim() : "";
  if (!typed) return null;
  return redirect(`/verify/${encodeURIComponent(normalizeCredentialNumber(typed) ?? typed)}`);
}

export default function Verify() {
  const { t } = useTranslation();
  return (
    <div className="mx-auto max-w-xl space-y-4">
      <h1 className="text-2xl font-bold">{t("credentials.verifyTitle")}</h1>
      <p className="text-sm text-gray-700">{t("credentials.verifyLead")}</p>
      <Form method="get" className="flex flex-wrap items-end gap-3 rounded border border-gray-200 bg-white p-4" role="search">
        <label className="min-w-56 flex-1 text-sm font-medium text-gray-800" htmlFor="number">
          {t("credentials.number")}
          <input
            id="number"
            name="number"
            required
            maxLength={64}
            placeholder="XC-2026-000123-K"
            autoComplete="off"
            className="mt-1 block w-full rounded border border-gray-300 px-3 py-2 font-mono"
          />
        </label>
        <button type="submit" className="rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800">
          {t("credentials.verify")}
        </button>
      </Form>
    </div>
  );
}
