import { Button, Text } from "@react-email/components";
import type { TFunction } from "i18next";
import { EmailLayout } from "./layout";

export interface ProgressReminderEmailProps {
  school: string;
  period: string;
  dueOn: string;
  daysLeft: number;
  reportUrl: string;
}

export function progressReminderSubject(t: TFunction, props: ProgressReminderEmailProps) {
  return t("school.email.progressReminder.subject", { period: props.period, count: props.daysLeft });
}

export function ProgressReminderEmail({ t, lang, ...props }: ProgressReminderEmailProps & { t: TFunction; lang: string }) {
  const subject = progressReminderSubject(t, props);
  return (
    <EmailLayout lang={lang} preview={subject} heading={subject} footer={t("email.footer")}>
      <Text>{t("school.email.progressReminder.body", { school: props.school, period: props.period, dueOn: props.dueOn, count: props.daysLeft })}</Text>
      <Button href={props.reportUrl} style={{ backgroundColor: "#1d4ed8", color: "#ffffff", padding: "10px 18px", borderRadius: "6px" }}>
        {t("school.email.progressReminder.cta")}
      </Button>
    </EmailLayout>
  );
}
