import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import { EmailLayout } from "./layout";

export interface PasswordResetEmailProps {
  name: string;
  resetUrl: string;
  expiresAt: string;
}

export function passwordResetSubject(t: TFunction) {
  return t("email.passwordReset.subject");
}

export function PasswordResetEmail({ t, lang, ...props }: PasswordResetEmailProps & { t: TFunction; lang: string }) {
  return (
    <EmailLayout lang={lang} preview={passwordResetSubject(t)} heading={passwordResetSubject(t)} footer={t("email.footer")}>
      <Text>{t("email.passwordReset.body", { name: props.name })}</Text>
      <Button href={props.resetUrl} style={{ backgroundColor: "#1d4ed8", color: "#ffffff", padding: "10px 18px", borderRadius: "6px" }}>
        {t("email.passwordReset.cta")}
      </Button>
      <Text>{t("email.expires", { at: props.expiresAt })}</Text>
      <Text>{t("email.passwordReset.ignore")}</Text>
      <Text style={{ fontSize: "12px", color: "#6b7280" }}>{props.resetUrl}</Text>
    </EmailLayout>
  );
}
