import { Button, Section, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import { EmailLayout } from "./layout";

export interface FindingDigestEmailProps {
  count: number;
  findings: { organization: string; kind: string; summary: string }[];
  auditUrl: string;
}

export function findingDigestSubject(t: TFunction, props: FindingDigestEmailProps) {
  return t("email.findingDigest.subject", { count: props.count });
}

export function FindingDigestEmail({ t, lang, ...props }: FindingDigestEmailProps & { t: TFunction; lang: string }) {
  const subject = findingDigestSubject(t, props);
  return (
    <EmailLayout lang={lang} preview={subject} heading={subject} footer={t("email.footer")}>
      <Text>{t("email.findingDigest.body", { count: props.count })}</Text>
      <Section>
        {props.findings.map((finding, index) => (
          <Text key={index}>
            {finding.organization} · {finding.kind}: {finding.summary}
          </Text>
        ))}
      </Section>
      <Button href={props.auditUrl} style={{ backgroundColor: "#1d4ed8", color: "#ffffff", padding: "10px 18px", borderRadius: "6px" }}>
        {t("email.findingDigest.cta")}
      </Button>
    </EmailLayout>
  );
}
