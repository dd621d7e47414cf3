-- Issue 19 (decision 049): question media. A question's attachments are read exactly where the
-- question is read: the read policy asks the questions table, whose own policies apply to the
-- subquery (exam pool only for those who write it, F27; a school reads shared practice questions).
-- Editors (and the import, in the system scope) write them.
ALTER TABLE question_attachments ADD CONSTRAINT question_attachments_size_check CHECK (size_bytes >= 0);
--> statement-breakpoint
ALTER TABLE questions ADD CONSTRAINT questions_answer_weights_check
  CHECK (answer_weights IS NULL OR (jsonb_typeof(answer_weights) = 'array' AND type IN ('single_choice', 'multiple_choice')));
--> statement-breakpoint
ALTER TABLE question_attachments ENABLE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE question_attachments FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON question_attachments TO app_user;
--> statement-breakpoint
CREATE POLICY question_attachments_read ON question_attachments FOR SELECT TO app_user USING (
  EXISTS (SELECT 1 FROM questions q WHERE q.tenant_id = question_attachments.tenant_id AND q.id = question_attachments.question_id)
);
--> statement-breakpoint
CREATE POLICY question_attachments_insert ON question_attachments FOR INSERT TO app_user
  WITH CHECK (tenant_id = app_tenant_id() AND app_can_edit());
--> statement-breakpoint
CREATE POLICY question_attachments_delete ON question_attachments FOR DELETE TO app_user
  USING (tenant_id = app_tenant_id() AND app_can_edit());
