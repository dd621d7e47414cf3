import { Text } from "@react-email/components";
import type { TFunction } from "i18next";
import { EmailLayout } from "./layout";

export interface AdmissionDecisionEmailProps {
  tenantName: string;
  decision: "admitted" | "refused" | "suspended";
  reason: string;
  workspaceUrl: string;
}

export function admissionDecisionSubject(t: TFunction, props: AdmissionDecisionEmailProps) {
  return t(`admission.email.decision.subject.${props.decision}`, { tenant: props.tenantName });
}

/** The committee's decision on an organization's or school's admission (§二.2, decision 042). */
export function AdmissionDecisionEmail({ t, lang, ...props }: AdmissionDecisionEmailProps & { t: TFunction; lang: string }) {
  return (
    <EmailLayout lang={lang} preview={admissionDecisionSubject(t, props)} heading={admissionDecisionSubject(t, props)} footer={t("email.footer")}>
      <Text>{t(`admission.email.decision.body.${props.decision}`, { tenant: props.tenantName })}</Text>
      {props.reason ? <Text>{t("admission.email.decision.reason", { reason: props.reason })}</Text> : null}
      <Text>{t("admission.email.decision.open", { url: props.workspaceUrl })}</Text>
    </EmailLayout>
  );
}
