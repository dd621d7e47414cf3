import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import { EmailLayout } from "./layout";

export interface FilingStatusEmailProps {
  certificate: string;
  status: string;
  comment: string;
  recordNumber: string;
  filingUrl: string;
}

export function filingStatusSubject(t: TFunction, props: FilingStatusEmailProps) {
  return t("school.email.filingStatus.subject", { certificate: props.certificate, status: props.status });
}

export function FilingStatusEmail({ t, lang, ...props }: FilingStatusEmailProps & { t: TFunction; lang: string }) {
  const subject = filingStatusSubject(t, props);
  return (
    <EmailLayout lang={lang} preview={subject} heading={subject} footer={t("email.footer")}>
      <Text>{t("school.email.filingStatus.body", { certificate: props.certificate, status: props.status })}</Text>
      {props.recordNumber ? <Text>{t("school.email.filingStatus.recordNumber", { recordNumber: props.recordNumber })}</Text> : null}
      {props.comment ? <Text>{t("school.email.filingStatus.comment", { comment: props.comment })}</Text> : null}
      <Button href={props.filingUrl} style={{ backgroundColor: "#1d4ed8", color: "#ffffff", padding: "10px 18px", borderRadius: "6px" }}>
        {t("school.email.filingStatus.cta")}
      </Button>
    </EmailLayout>
  );
}
