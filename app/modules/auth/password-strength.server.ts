import { ZxcvbnFactory } from "@zxcvbn-ts/core";
import { adjacencyGraphs, dictionary } from "@zxcvbn-ts/language-common";
import type { z } from "zod";
import { translator, type Locale } from "~/i18n/i18n";
import { getLocale } from "~/i18n/locale.server";
import { assertSameOrigin } from "~/modules/tenancy/context.server";
import { parseForm } from "~/ui/forms.server";

// New passwords are checked against common passwords, keyboard patterns and dates (zxcvbn-ts with its
// common dictionary, F18) and must score at least 3 of 4. Checked on the server only: the dictionary
// stays out of the browser bundle.
const minimumScore = 3;
let checker: ZxcvbnFactory | undefined;

/** The field message for a weak password, or null when it is strong enough. */
export function weakPasswordError(password: string, locale: Locale, userInputs: string[] = []): string | null {
  checker ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  const { score } = checker.check(password, userInputs);
  return score >= minimumScore ? null : translator(locale)("errors.weakPassword");
}

/**
 * A form that sets a new password, read and checked before any transaction, so its route can hash
 * the password (hashPassword) outside one: argon2 takes ~50 ms of CPU and 19 MiB and must not hold a
 * pooled connection (or the sign-up lock) while it runs (F17). The cross-origin check runs first, as
 * the wrappers would. Answers the parsed submission and the failure of a weak password, if any.
 */
export async function readPasswordForm<S extends z.ZodType>(request: Request, schema: S, userInputs: (value: z.infer<S>) => string[] = () => []) {
  assertSameOrigin(request);
  const locale = getLocale(request);
  const submission = await parseForm(request, schema, locale);
  if (submission.status !== "success") return { submission, locale, weak: null };
  const value = submission.value as z.infer<S> & { password?: string };
  if (typeof value.password !== "string") return { submission, locale, weak: null };
  const weak = weakPasswordError(value.password, locale, userInputs(value));
  return { submission, locale, weak: weak ? { status: 400, fieldErrors: { password: [weak] } } : null };
}
