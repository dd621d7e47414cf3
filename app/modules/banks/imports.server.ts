import { caseImport } from "~/modules/cases/import.server";
import { credentialImport } from "~/modules/credentials/import.server";
import type { BankImport, ImportKind } from "~/modules/imports/bank-import";
import { questionImport } from "~/modules/questions/import.server";
import { majorImport } from "~/modules/school/import.server";

/**
 * What the import pipeline serves, each with its own adapter: a new bank is one adapter and one line here.
 * Pilot majors (a school's, no certificate) use the same pipeline.
 */
export const bankImports: Record<ImportKind, BankImport> = {
  questions: questionImport,
  cases: caseImport,
  pilot_majors: majorImport,
  credentials: credentialImport,
};
