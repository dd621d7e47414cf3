import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import { EmailLayout } from "./layout";

export interface OrderConfirmationEmailProps {
  orderNumber: string;
  certificate: string;
  headcount: number;
  unitPrice: string;
  total: string;
  examDate: string;
  examSite: string;
  orderUrl: string;
}

export function orderConfirmationSubject(t: TFunction, props: OrderConfirmationEmailProps) {
  return t("email.orderConfirmation.subject", { number: props.orderNumber });
}

export function OrderConfirmationEmail({ t, lang, ...props }: OrderConfirmationEmailProps & { t: TFunction; lang: string }) {
  const subject = orderConfirmationSubject(t, props);
  return (
    <EmailLayout lang={lang} preview={subject} heading={subject} footer={t("email.footer")}>
      <Text>{t("email.orderConfirmation.body", props)}</Text>
      <Text>{t("email.orderConfirmation.lines", props)}</Text>
      <Button href={props.orderUrl} style={{ backgroundColor: "#1d4ed8", color: "#ffffff", padding: "10px 18px", borderRadius: "6px" }}>
        {t("email.orderConfirmation.cta")}
      </Button>
    </EmailLayout>
  );
}
