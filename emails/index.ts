import type { TFunction } from "i18next";
import type { ReactElement } from "react";
import { AdmissionDecisionEmail, admissionDecisionSubject, type AdmissionDecisionEmailProps } from "./admission-decision";
import { CredentialExpiryEmail, credentialExpirySubject, type CredentialExpiryEmailProps } from "./credential-expiry";
import { FilingStatusEmail, filingStatusSubject, type FilingStatusEmailProps } from "./filing-status";
import { FindingDigestEmail, findingDigestSubject, type FindingDigestEmailProps } from "./finding-digest";
import { InvitationEmail, invitationSubject, type InvitationEmailProps } from "./invitation";
import { OrderConfirmationEmail, orderConfirmationSubject, type OrderConfirmationEmailProps } from "./order-confirmation";
import { PasswordResetEmail, passwordResetSubject, type PasswordResetEmailProps } from "./password-reset";
import { PaymentReceiptEmail, paymentReceiptSubject, type PaymentReceiptEmailProps } from "./payment-receipt";
import { ProgressReminderEmail, progressReminderSubject, type ProgressReminderEmailProps } from "./progress-reminder";
import { SignupAccountExistsEmail, signupAccountExistsSubject, type SignupAccountExistsEmailProps } from "./signup-account-exists";
import { SignupVerificationEmail, signupVerificationSubject, type SignupVerificationEmailProps } from "./signup-verification";

type Template<P> = {
  subject: (t: TFunction, props: P) => string;
  render: (props: P & { t: TFunction; lang: string }) => ReactElement;
};

interface Templates {
  invitation: Template<InvitationEmailProps>;
  "password-reset": Template<PasswordResetEmailProps>;
  "order-confirmation": Template<OrderConfirmationEmailProps>;
  "payment-receipt": Template<PaymentReceiptEmailProps>;
  "finding-digest": Template<FindingDigestEmailProps>;
  "credential-expiry": Template<CredentialExpiryEmailProps>;
  "filing-status": Template<FilingStatusEmailProps>;
  "progress-reminder": Template<ProgressReminderEmailProps>;
  "signup-verification": Template<SignupVerificationEmailProps>;
  "signup-account-exists": Template<SignupAccountExistsEmailProps>;
  "admission-decision": Template<AdmissionDecisionEmailProps>;
}

export const emailTemplates: Templates = {
  invitation: { subject: invitationSubject, render: InvitationEmail },
  "password-reset": { subject: passwordResetSubject, render: PasswordResetEmail },
  "order-confirmation": { subject: orderConfirmationSubject, render: OrderConfirmationEmail },
  "payment-receipt": { subject: paymentReceiptSubject, render: PaymentReceiptEmail },
  "finding-digest": { subject: findingDigestSubject, render: FindingDigestEmail },
  "credential-expiry": { subject: credentialExpirySubject, render: CredentialExpiryEmail },
  "filing-status": { subject: filingStatusSubject, render: FilingStatusEmail },
  "progress-reminder": { subject: progressReminderSubject, render: ProgressReminderEmail },
  "signup-verification": { subject: signupVerificationSubject, render: SignupVerificationEmail },
  "signup-account-exists": { subject: signupAccountExistsSubject, render: SignupAccountExistsEmail },
  "admission-decision": { subject: admissionDecisionSubject, render: AdmissionDecisionEmail },
};

export type EmailTemplateName = keyof Templates;

/**
 * Templates whose body carries a bearer link (a reset or invitation token): the worker blanks their
 * stored body once the message has left (decision 021), so the outbox never keeps a usable token.
 */
export const bearerLinkTemplates: ReadonlySet<string> = new Set<EmailTemplateName>(["invitation", "password-reset", "signup-verification"]);
export type EmailProps<N extends EmailTemplateName> = Templates[N] extends Template<infer P> ? P : never;
