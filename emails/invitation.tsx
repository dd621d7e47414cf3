import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import { EmailLayout } from "./layout";

export interface InvitationEmailProps {
  tenantName: string;
  inviterName: string;
  roleLabel: string;
  acceptUrl: string;
  expiresAt: string;
}

export function invitationSubject(t: TFunction, props: InvitationEmailProps) {
  return t("email.invitation.subject", { tenant: props.tenantName });
}

export function InvitationEmail({ t, lang, ...props }: InvitationEmailProps & { t: TFunction; lang: string }) {
  return (
    <EmailLayout lang={lang} preview={invitationSubject(t, props)} heading={invitationSubject(t, props)} footer={t("email.footer")}>
      <Text>{t("email.invitation.body", { inviter: props.inviterName, tenant: props.tenantName, role: props.roleLabel })}</Text>
      <Button href={props.acceptUrl} style={{ backgroundColor: "#1d4ed8", color: "#ffffff", padding: "10px 18px", borderRadius: "6px" }}>
        {t("email.invitation.cta")}
      </Button>
      <Text>{t("email.expires", { at: props.expiresAt })}</Text>
      <Text style={{ fontSize: "12px", color: "#6b7280" }}>{props.acceptUrl}</Text>
    </EmailLayout>
  );
}
