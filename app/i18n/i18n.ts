import i18next, { type TFunction } from "i18next";
import enAccount from "./en/account.json";
import enAdmission from "./en/admission.json";
import enAudit from "./en/audit.json";
import enCases from "./en/cases.json";
import enCertificates from "./en/certificates.json";
import enCommittee from "./en/committee.json";
import enCredentials from "./en/credentials.json";
import enFees from "./en/fees.json";
import enLibrary from "./en/library.json";
import enMaterials from "./en/materials.json";
import enMoodle from "./en/moodle.json";
import enOverview from "./en/overview.json";
import enOversight from "./en/oversight.json";
import enOrders from "./en/orders.json";
import enPayments from "./en/payments.json";
import enQuestions from "./en/questions.json";
import enSchool from "./en/school.json";
import enSecondFactor from "./en/secondFactor.json";
import enSmart from "./en/smart.json";
import enStandards from "./en/standards.json";
import enSupervision from "./en/supervision.json";
import en from "./en.json";
import zhCNAccount from "./zh-CN/account.json";
import zhCNAdmission from "./zh-CN/admission.json";
import zhCNAudit from "./zh-CN/audit.json";
import zhCNCases from "./zh-CN/cases.json";
import zhCNCertificates from "./zh-CN/certificates.json";
import zhCNCommittee from "./zh-CN/committee.json";
import zhCNCredentials from "./zh-CN/credentials.json";
import zhCNFees from "./zh-CN/fees.json";
import zhCNLibrary from "./zh-CN/library.json";
import zhCNMaterials from "./zh-CN/materials.json";
import zhCNMoodle from "./zh-CN/moodle.json";
import zhCNOverview from "./zh-CN/overview.json";
import zhCNOversight from "./zh-CN/oversight.json";
import zhCNOrders from "./zh-CN/orders.json";
import zhCNPayments from "./zh-CN/payments.json";
import zhCNQuestions from "./zh-CN/questions.json";
import zhCNSchool from "./zh-CN/school.json";
import zhCNSecondFactor from "./zh-CN/secondFactor.json";
import zhCNSmart from "./zh-CN/smart.json";
import zhCNStandards from "./zh-CN/standards.json";
import zhCNSupervision from "./zh-CN/supervision.json";
import zhCN from "./zh-CN.json";

export const locales = ["zh-CN", "en"] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = "zh-CN";

// Shared strings in <locale>.json; each capability's strings in <locale>/<capability>.json under its own key.
// Materials' and the second factor's form messages also join `errors`, where zodErrorMap looks them up.
export const resources = {
  "zh-CN": {
    translation: {
      ...zhCN,
      admission: zhCNAdmission,
      certificates: zhCNCertificates,
      fees: zhCNFees,
      orders: zhCNOrders,
      payments: zhCNPayments,
      questions: zhCNQuestions,
      standards: zhCNStandards,
      materials: zhCNMaterials,
      cases: zhCNCases,
      committee: zhCNCommittee,
      credentials: zhCNCredentials,
      school: zhCNSchool,
      pilot_majors: zhCNSchool.majors,
      overview: zhCNOverview,
      audit: zhCNAudit,
      account: zhCNAccount,
      library: zhCNLibrary,
      secondFactor: zhCNSecondFactor,
      moodle: zhCNMoodle,
      smart: zhCNSmart,
      supervision: zhCNSupervision,
      oversight: zhCNOversight,
      errors: {
        ...zhCN.errors,
        ...zhCNSupervision.errors,
        ...zhCNOversight.errors,
        ...zhCNMaterials.errors,
        ...zhCNAccount.errors,
        ...zhCNSecondFactor.errors,
        ...zhCNCredentials.fieldErrors,
        ...zhCNSchool.errors,
      },
    },
  },
  en: {
    translation: {
      ...en,
      admission: enAdmission,
      certificates: enCertificates,
      fees: enFees,
      orders: enOrders,
      payments: enPayments,
      questions: enQuestions,
      standards: enStandards,
      materials: enMaterials,
      cases: enCases,
      committee: enCommittee,
      credentials: enCredentials,
      school: enSchool,
      pilot_majors: enSchool.majors,
      overview: enOverview,
      audit: enAudit,
      account: enAccount,
      library: enLibrary,
      secondFactor: enSecondFactor,
      moodle: enMoodle,
      smart: enSmart,
      supervision: enSupervision,
      oversight: enOversight,
      errors: {
        ...en.errors,
        ...enSupervision.errors,
        ...enOversight.errors,
        ...enMaterials.errors,
        ...enAccount.errors,
        ...enSecondFactor.errors,
        ...enCredentials.fieldErrors,
        ...enSchool.errors,
      },
    },
  },
} as const;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (locales as readonly string[]).includes(value);
}

// Instances are only read after init (nothing changes their language or resources): one per locale,
// not one per render (initialising copies the resources and showed in the server's CPU profile).
const instances = new Map<Locale, ReturnType<typeof i18next.createInstance>>();

/** A synchronously initialised instance, one per locale (server and client alike). */
export function createI18n(locale: Locale) {
  const cached = instances.get(locale);
  if (cached) return cached;
  const instance = i18next.createInstance();
  instances.set(locale, instance);
  void instance.init({
    lng: locale,
    fallbackLng: defaultLocale,
    resources,
    initAsync: false,
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  rememberTranslations(instance);
  return instance;
}

type I18n = ReturnType<typeof i18next.createInstance>;
type AnyT = (key: unknown, options?: unknown, ...rest: unknown[]) => unknown;

// react-i18next asks the instance for a new bound `t` in every component that translates (per row, on
// a server render), and each call of one copies i18next's whole options object: about 190 calls on a
// list page, a tenth of the server's CPU (PERFORMANCE.md). Resources and language never change after
// init, so the instance hands out one `t` per namespace and key prefix, and remembers what a key
// called without options translates to. Calls with options (interpolation, plurals) go through as
// before.
const rememberedKeysMax = 5_000;
function rememberTranslations(instance: I18n) {
  const getFixedT = instance.getFixedT.bind(instance) as unknown as (...args: unknown[]) => AnyT;
  const bound = new Map<string, AnyT>();
  const remembering = (fixed: AnyT): AnyT => {
    const texts = new Map<string, unknown>();
    return Object.assign((key: unknown, options?: unknown, ...rest: unknown[]) => {
      if (options !== undefined || rest.length || typeof key !== "string") return fixed(key, options, ...rest);
      if (texts.has(key)) return texts.get(key);
      const text = fixed(key);
      if (texts.size < rememberedKeysMax) texts.set(key, text);
      return text;
    }, fixed);
  };
  (instance as unknown as { getFixedT: (...args: unknown[]) => AnyT }).getFixedT = (lng, ns, keyPrefix, options) => {
    if (typeof keyPrefix === "function") return getFixedT(lng, ns, keyPrefix, options);
    const id = JSON.stringify([lng ?? null, ns ?? null, keyPrefix ?? null, (options as { scopeNs?: unknown } | undefined)?.scopeNs ?? null]);
    let t = bound.get(id);
    if (!t) bound.set(id, (t = remembering(getFixedT(lng, ns, keyPrefix, options))));
    return t;
  };
}

export function translator(locale: Locale): TFunction {
  return createI18n(locale).t;
}
