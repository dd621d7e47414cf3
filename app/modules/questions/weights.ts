import { optionLetters } from "./schemas";

/**
 * Kept grades (decision 049) still describe the question: one per option, and the options with a
 * positive grade are the answer's letters (a single choice: the one at 100). Weights an edit has made
 * stale are neither shown nor exported.
 */
export function weightsFit(q: {
  type: string;
  answer: string;
  options: string[];
  answerWeights?: number[] | null;
}): q is { type: string; answer: string; options: string[]; answerWeights: number[] } {
  const weights = q.answerWeights;
  if (!weights || weights.length !== q.options.length) return false;
  const right = weights.flatMap((w, i) => ((q.type === "single_choice" ? Math.abs(w - 100) < 0.0001 : w > 0) ? [optionLetters[i]] : [])).join("");
  return right === q.answer;
}
