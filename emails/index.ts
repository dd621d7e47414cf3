import type { TFunction } from "i18next";
import type { ReactElement } from "react";
import { InvitationEmail, invitationSubject, type InvitationEmailProps } from "./invitation";
import { PasswordResetEmail, passwordResetSubject, type PasswordResetEmailProps } from "./password-reset";

type Template<P> = {
  subject: (t: TFunction, props: P) => string;
  render: (props: P & { t: TFunction; lang: string }) => ReactElement;
};

export const emailTemplates = {
  invitation: { subject: invitationSubject, render: InvitationEmail } satisfies Template<InvitationEmailProps>,
  "password-reset": { subject: passwordResetSubject, render: PasswordResetEmail } satisfies Template<PasswordResetEmailProps>,
};

export type EmailTemplateName = keyof typeof emailTemplates;
export type EmailProps<N extends EmailTemplateName> = Parameters<(typeof emailTemplates)[N]["render"]>[0] extends infer P
  ? Omit<P, "t" | "lang">
  : never;
