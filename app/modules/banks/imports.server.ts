import { caseImport } from "~/modules/cases/import.server";
import type { BankImport, ImportKind } from "~/modules/imports/bank-import";
import { questionImport } from "~/modules/questions/import.server";

/** The banks the import pipeline serves, each with its own adapter: a new bank is one adapter and one line here. */
export const bankImports: Record<ImportKind, BankImport> = { questions: questionImport, cases: caseImport };
