import { Button, Section, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import { EmailLayout } from "./layout";

export interface CredentialExpiryEmailProps {
  organization: string;
  days: number;
  credentials: { number: string; holder: string; role: string; certificate: string; expiresOn: string }[];
  listUrl: string;
}

export function credentialExpirySubject(t: TFunction, props: CredentialExpiryEmailProps) {
  return t("credentials.email.expirySubject", { count: props.credentials.length, days: props.days });
}

export function CredentialExpiryEmail({ t, lang, ...props }: CredentialExpiryEmailProps & { t: TFunction; lang: string }) {
  const subject = credentialExpirySubject(t, props);
  return (
    <EmailLayout lang={lang} preview={subject} heading={subject} footer={t("email.footer")}>
      <Text>{t("credentials.email.expiryIntro", { organization: props.organization, days: props.days })}</Text>
      <Section>
        {props.credentials.map((c) => (
          <Text key={c.number}>
            {c.number} · {c.holder} · {c.role} · {c.certificate} · {c.expiresOn}
          </Text>
        ))}
      </Section>
      <Button href={props.listUrl} style={{ backgroundColor: "#1d4ed8", color: "#ffffff", padding: "10px 18px", borderRadius: "6px" }}>
        {t("credentials.email.expiryOpen")}
      </Button>
    </EmailLayout>
  );
}
