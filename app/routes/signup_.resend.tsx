import { json, type ActionFunctionArgs } from "@remix-run/node";
import { Link, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { resendVerificationSchema } from "~/modules/auth/schemas";
import { limitAuthFlow } from "~/modules/auth/service.server";
import { resendVerification } from "~/modules/auth/signup.server";
import { withAuthFlow } from "~/modules/tenancy/context.server";
import { CheckInbox } from "~/ui/check-inbox";
import { parseForm, rejectSubmission } from "~/ui/forms.server";
import type { RouteHandle } from "~/ui/page-title";

export const handle: RouteHandle = { title: "admission.signup.sentTitle" };

/** "Send the link again" (decision 041): limited per IP and per email; the same answer for any address. */
export async function action({ request }: ActionFunctionArgs) {
  return withAuthFlow(request, async (tx, ctx) => {
    const submission = await parseForm(request, resendVerificationSchema, ctx.locale);
    if (submission.status !== "success") return rejectSubmission(submission);
    const limited = await limitAuthFlow(tx, ctx, "resend", submission.value.email);
    if (limited) return rejectSubmission(submission, limited);
    await resendVerification(tx, ctx, submission.value.email);
    return json({ result: submission.reply(), sent: submission.value.email, resent: true });
  });
}

export default function Resend() {
  const { t } = useTranslation();
  const actionData = useActionData<typeof action>();
  const sent = actionData && "sent" in actionData ? actionData.sent : undefined;
  const email = typeof sent === "string" ? sent : "";
  // Opened without a form sent: the page is the answer to one.
  if (!actionData)
    return (
      <p className="mx-auto max-w-lg">
        <Link to="/signup" className="text-blue-700 hover:underline">
          {t("admission.verify.again")}
        </Link>
      </p>
    );
  return <CheckInbox email={email} resent={Boolean(actionData && "resent" in actionData)} result={actionData?.result} />;
}
