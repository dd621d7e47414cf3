import { Text } from "@react-email/components";
import type { TFunction } from "i18next";
import { EmailLayout } from "./layout";

export interface PaymentReceiptEmailProps {
  orderNumber: string;
  amount: string;
  paidAt: string;
}

export function paymentReceiptSubject(t: TFunction, props: PaymentReceiptEmailProps) {
  return t("email.paymentReceipt.subject", { number: props.orderNumber });
}

export function PaymentReceiptEmail({ t, lang, ...props }: PaymentReceiptEmailProps & { t: TFunction; lang: string }) {
  const subject = paymentReceiptSubject(t, props);
  return (
    <EmailLayout lang={lang} preview={subject} heading={subject} footer={t("email.footer")}>
      <Text>{t("email.paymentReceipt.body", props)}</Text>
    </EmailLayout>
  );
}
