import { json, redirect, type ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { serializeLocale } from "~/i18n/locale.server";
import { locales } from "~/i18n/i18n";
import { setUserLocale } from "~/modules/auth/service.server";
import { withPublic } from "~/modules/tenancy/context.server";
import { parseForm } from "~/ui/forms.server";
import { redirectTo } from "~/ui/schema-fields";

const schema = z.object({ locale: z.enum(locales), redirectTo });

export async function action({ request }: ActionFunctionArgs) {
  // The language switch works on the enrolment page too.
  return withPublic(
    request,
    async (tx, ctx) => {
      const submission = await parseForm(request, schema, ctx.locale);
      if (submission.status !== "success") return json({ result: submission.reply() }, { status: 400 });
      await setUserLocale(tx, ctx, submission.value.locale);
      return redirect(submission.value.redirectTo ?? "/", {
        headers: { "Set-Cookie": await serializeLocale(submission.value.locale) },
      });
    },
    { duringEnrolment: true },
  );
}

export function loader() {
  return redirect("/");
}
