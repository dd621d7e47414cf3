import { Text } from "@react-email/components";
import type { TFunction } from "i18next";
import { EmailLayout } from "./layout";

export interface SignupAccountExistsEmailProps {
  name: string;
  loginUrl: string;
  resetUrl: string;
}

export function signupAccountExistsSubject(t: TFunction) {
  return t("admission.email.exists.subject");
}

/** Someone signed up with an address that has an account: the form said nothing, the owner hears of it. */
export function SignupAccountExistsEmail({ t, lang, ...props }: SignupAccountExistsEmailProps & { t: TFunction; lang: string }) {
  return (
    <EmailLayout lang={lang} preview={signupAccountExistsSubject(t)} heading={signupAccountExistsSubject(t)} footer={t("email.footer")}>
      <Text>{t("admission.email.exists.body", { name: props.name })}</Text>
      <Text>{t("admission.email.exists.login", { url: props.loginUrl })}</Text>
      <Text>{t("admission.email.exists.reset", { url: props.resetUrl })}</Text>
      <Text>{t("admission.email.exists.ignore")}</Text>
    </EmailLayout>
  );
}
