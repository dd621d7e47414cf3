import type { TFunction } from "i18next";
import type { z } from "zod";

/**
 * Field messages in the user's language, on the client and the server alike. Schemas carry no
 * message text: custom checks name a key with `params: { i18n: "key" }` (see app/i18n/*.json `errors`).
 */
export function zodErrorMap(t: TFunction): z.core.$ZodErrorMap {
  return (issue) => {
    const params = (issue as { params?: { i18n?: string } }).params;
    if (params?.i18n) return t(`errors.${params.i18n}`);
    switch (issue.code) {
      case "invalid_type":
        return issue.input === undefined || issue.input === null || issue.input === "" ? t("errors.required") : t("errors.invalidType");
      case "too_small":
        if (issue.origin === "string") return t("errors.tooShort", { count: Number(issue.minimum) });
        if (issue.origin === "array" || issue.origin === "set") return t("errors.tooFew", { count: Number(issue.minimum) });
        return t("errors.tooSmall", { minimum: String(issue.minimum) });
      case "too_big":
        if (issue.origin === "string") return t("errors.tooLong", { count: Number(issue.maximum) });
        if (issue.origin === "array" || issue.origin === "set") return t("errors.tooMany", { count: Number(issue.maximum) });
        return t("errors.tooBig", { maximum: String(issue.maximum) });
      case "invalid_format":
        return issue.format === "email" ? t("errors.email") : t("errors.invalidFormat");
      case "invalid_value":
        return t("errors.invalidOption");
      default:
        return t("errors.invalid");
    }
  };
}
