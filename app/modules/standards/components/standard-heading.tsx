import { Link, useParams } from "@remix-run/react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";

/** The certificate's code (a link to it) and "<certificate> · 职业技能等级标准" above every standards page. */
export function StandardHeading({
  certificate,
  children,
}: {
  certificate: { id: string; code: string; nameZh: string; nameEn: string };
  children?: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const { slug } = useParams();
  return (
    <div>
      <p className="font-mono text-xs text-gray-500">
        <Link to={`/w/${slug}/certificates/${certificate.id}`} className="hover:underline">
          {certificate.code}
        </Link>
      </p>
      <h1 className="text-2xl font-bold">{t("standards.titleOf", { certificate: i18n.language === "en" ? certificate.nameEn : certificate.nameZh })}</h1>
      {children}
    </div>
  );
}
