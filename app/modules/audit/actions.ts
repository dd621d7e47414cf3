import type { TFunction } from "i18next";

// Every action the audit log (and the account audit log) can record, and every kind of entity they
// name. `audit()` accepts only these, so an action cannot be written without being listed here, and
// tests/unit/audit-actions.test.ts checks each has a label in both languages (audit.actions.<action>,
// audit.entities.<type>). Rows only keep the key: pages show the label, exports both.
// Not a .server module: the labels are looked up wherever a row is shown.

export const auditActions = [
  // Accounts, workspaces and members (sign-in events go to the account audit log).
  "tenant.create",
  "membership.create",
  "invitation.create",
  "invitation.accept",
  "user.sign_up",
  "user.locale",
  "login.succeeded",
  "login.failed",
  "login.throttled",
  "logout",
  "password_reset.requested",
  "password_reset.requested_unknown",
  "password_reset.completed",
  // Revoking access and the account's own security (issue 14 items 5 and 7).
  "membership.remove",
  "membership.role_change",
  "membership.sessions_end",
  "invitation.revoke",
  "auth.throttled",
  "session.end",
  "user.password_change",
  "second_factor.enrolled",
  "second_factor.disabled",
  "second_factor.challenged",
  "second_factor.failed",
  "second_factor.recovery_code_used",
  // Certificates and standards.
  "certificate.create",
  "certificate.update",
  "standard.draft.create",
  "standard.node.create",
  "standard.node.update",
  "standard.node.move",
  "standard.node.delete",
  "standard.publish",
  "standard.discard",
  // The banks and their imports (`<bank>_import.create|done|failed`).
  "question.create",
  "question.update",
  "question.publish",
  "question.delete",
  "question.requirement_accept",
  "case.create",
  "case.update",
  "case.delete",
  "case.requirement_accept",
  "material.create",
  "material.update",
  "material.delete",
  "material_attachment.create",
  "material_attachment.delete",
  "question_import.create",
  "question_import.done",
  "question_import.failed",
  // The user chose to import a Moodle/GIFT file without the questions listed as not importable.
  "question_import.skip",
  "question_import.duplicates",
  "case_import.create",
  "case_import.done",
  "case_import.failed",
  "pilot_major_import.create",
  "pilot_major_import.done",
  "pilot_major_import.failed",
  // Fees and the committee's rules.
  "fee_disclosure.create",
  "fee_disclosure.update",
  "fee_disclosure.publish",
  "fee_disclosure.delete_draft",
  "fee_disclosure.withdraw",
  "committee.notice_period",
  "committee.cost_cap",
  "committee.setting",
  "committee.setting_withdraw",
  "committee.evaluation_weights",
  "committee.report_period",
  "committee.report_period_move",
  "committee.industry_field",
  // Orders and payments (`payment.stripe_<status>` from Stripe's events).
  "order.create",
  "order.cancel",
  "order.paid",
  "order.refund",
  "payment.checkout_started",
  "payment.transfer_recorded",
  "payment.transfer_confirmed",
  "payment.stripe_pending",
  "payment.stripe_failed",
  "payment.stripe_succeeded",
  "payment.stripe_ignored",
  "payments.account_created",
  "payments.account_updated",
  // Trainers, examiners and exam sites (`credential.expire` by the nightly job).
  "credential_holder.create",
  "credential.create",
  "credential.activate",
  "credential.suspend",
  "credential.revoke",
  "credential.expire",
  "credential_evidence.create",
  "credential_evidence.delete",
  "credential_import.create",
  "credential_import.done",
  "credential_import.failed",
  "credential_link.create",
  "credential_link.delete",
  "training_session.create",
  "training_session.cancel",
  "training_enrolment.create",
  "training_enrolment.complete",
  "tenant.district",
  "exam_site.create",
  "exam_site.propose",
  "exam_site.approve",
  "exam_site.decline",
  "assessment_session.create",
  "examiner_assignment.create",
  // The school side: majors, adoptions, 书证融通, credit rules, filings, reports.
  "pilot_major.create",
  "pilot_major.update",
  "cohort.create",
  "cohort.update",
  "cohort.delete",
  "adoption.propose",
  "adoption.approve",
  "adoption.reject",
  "adoption.opt_in",
  "school_course.create",
  "requirement_mapping.create",
  "requirement_mapping.delete",
  "credit_rule.create",
  "credit_rule.end",
  "filing.create",
  "filing.update",
  "filing.submit",
  "filing.resubmit",
  "filing.approve",
  "filing.return",
  "filing.reject",
  "progress_report.save",
  "progress_report.submit",
  "violation_report.create",
  "violation_report.status",
  "violation_report.evidence",
  // The committee's supervision (issue 17): evaluations, triage, typical cases.
  "violation_report.note",
  "violation_report.disclose",
  "evaluation_period.create",
  "evaluation_period.weights",
  "evaluation_period.finalize",
  "evaluation_score.save",
  "evaluation_result.decide",
  "typical_case.submit",
  "typical_case.score",
  "typical_case.select",
  "typical_case.decline",
  // Sign-up by email verification (decision 041) and admission by the committee (decision 042).
  "user.sign_up_existing",
  "user.verification_resend_unknown",
  "user.verification_resent",
  "user.email_verified",
  "login.unverified",
  "admission.file",
  "admission.admit",
  "admission.refuse",
  "admission.suspend",
  "admission.reinstate",
] as const;

export type AuditAction = (typeof auditActions)[number];

/** The prefix of a bank import's actions (`<prefix>.create|done|failed`): the registry's `*.done` actions. */
export type ImportAuditPrefix = { [A in AuditAction]: A extends `${infer Prefix}_import.done` ? `${Prefix}_import` : never }[AuditAction];

export const auditEntityTypes = [
  "tenant",
  "membership",
  "invitation",
  "user",
  "session",
  "second_factor",
  "certificate",
  "standard_version",
  "standard_node",
  "question",
  "case",
  "material",
  "material_attachment",
  "import_job",
  "fee_disclosure",
  "notice_period_setting",
  "committee_setting",
  "report_period",
  "industry_field",
  "cost_cap",
  "assessment_order",
  "payment",
  "payment_account",
  "credential_holder",
  "credential",
  "credential_evidence",
  "credential_link",
  "training_session",
  "training_enrolment",
  "exam_site",
  "assessment_session",
  "examiner_assignment",
  "pilot_major",
  "cohort",
  "adoption",
  "school_course",
  "credit_rule",
  "filing",
  "progress_report",
  "violation_report",
  "evaluation_period",
  "typical_case",
  "tenant_admission",
] as const;

export type AuditEntityType = (typeof auditEntityTypes)[number];

const actionSet = new Set<string>(auditActions);
const entitySet = new Set<string>(auditEntityTypes);

export function isAuditAction(value: string): value is AuditAction {
  return actionSet.has(value);
}

/**
 * What a row's action is called in the reader's language. A key the registry does not know (a row
 * from before an action was renamed) has no label: it is shown as it is rather than hidden.
 */
export function auditActionLabel(t: TFunction, action: string): string {
  return isAuditAction(action) ? t(`audit.actions.${action}`) : action;
}

export function auditEntityLabel(t: TFunction, entityType: string): string {
  return entitySet.has(entityType) ? t(`audit.entities.${entityType}`) : entityType;
}
