import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import { EmailLayout } from "./layout";

export interface SignupVerificationEmailProps {
  name: string;
  tenantName: string;
  verifyUrl: string;
  expiresAt: string;
}

export function signupVerificationSubject(t: TFunction) {
  return t("admission.email.verify.subject");
}

/** The sign-up's link (decision 041): following it verifies the address and creates the workspace. */
export function SignupVerificationEmail({ t, lang, ...props }: SignupVerificationEmailProps & { t: TFunction; lang: string }) {
  return (
    <EmailLayout lang={lang} preview={signupVerificationSubject(t)} heading={signupVerificationSubject(t)} footer={t("email.footer")}>
      <Text>{t("admission.email.verify.body", { name: props.name, tenant: props.tenantName })}</Text>
      <Button href={props.verifyUrl} style={{ backgroundColor: "#1d4ed8", color: "#ffffff", padding: "10px 18px", borderRadius: "6px" }}>
        {t("admission.email.verify.cta")}
      </Button>
      <Text>{t("email.expires", { at: props.expiresAt })}</Text>
      <Text>{t("admission.email.verify.ignore")}</Text>
      <Text style={{ fontSize: "12px", color: "#6b7280" }}>{props.verifyUrl}</Text>
    </EmailLayout>
  );
}
