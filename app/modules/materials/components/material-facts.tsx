import { Form, useParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Locale } from "~/i18n/i18n";
import { formatBytes, formatDateTime } from "~/ui/format";
import { Table } from "~/ui/list";
import { hasDualEditors, isPrinted } from "../schemas";

/** 双主编制 (§二.5): shown when a school and an enterprise chief editor are both named. */
export function DualEditorBadge() {
  const { t } = useTranslation();
  return (
    <span className="ml-1 inline-block whitespace-nowrap rounded bg-emerald-100 px-1.5 py-0.5 text-xs font-medium text-emerald-800" data-testid="dual-editors">
      {t("materials.dualEditors")}
    </span>
  );
}

interface Facts {
  kind: string;
  isbn: string | null;
  publisher: string;
  schoolEditor: string;
  enterpriseEditor: string;
  levels: string[];
  description: string;
  visibility: string;
}

/** A material as read by someone who cannot edit it. */
export function MaterialFacts({
  material,
  standardVersion,
  requirements,
}: {
  material: Facts;
  standardVersion: number | null;
  requirements: { lineageId: string; level: string; code: string; titleZh: string; titleEn: string }[];
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const dash = "—";
  return (
    <dl className="grid max-w-3xl grid-cols-[10rem_1fr] gap-2 rounded border border-gray-200 bg-white p-6 text-sm">
      <dt className="text-gray-600">{t("materials.kind")}</dt>
      <dd>{t(`materials.kinds.${material.kind}`)}</dd>
      {isPrinted(material.kind) ? (
        <>
          <dt className="text-gray-600">{t("materials.isbn")}</dt>
          <dd className="font-mono">{material.isbn ?? dash}</dd>
          <dt className="text-gray-600">{t("materials.publisher")}</dt>
          <dd>{material.publisher || dash}</dd>
        </>
      ) : null}
      <dt className="text-gray-600">{t("materials.editors")}</dt>
      <dd>
        {[material.schoolEditor, material.enterpriseEditor].filter(Boolean).join(" · ") || dash}
        {hasDualEditors(material) ? <DualEditorBadge /> : null}
      </dd>
      <dt className="text-gray-600">{t("materials.levels")}</dt>
      <dd>{material.levels.map((l) => t(`certificates.levelNames.${l}`)).join(" · ") || dash}</dd>
      <dt className="text-gray-600">{t("materials.standardVersion")}</dt>
      <dd>{standardVersion ? t("materials.versionLabel", { version: standardVersion }) : dash}</dd>
      <dt className="text-gray-600">{t("materials.requirements")}</dt>
      <dd>
        {requirements.length ? (
          <ul>
            {requirements.map((r) => (
              <li key={r.lineageId}>
                <span className="font-mono">{r.code}</span> {en && r.titleEn ? r.titleEn : r.titleZh}
              </li>
            ))}
          </ul>
        ) : (
          dash
        )}
      </dd>
      <dt className="text-gray-600">{t("materials.visibility")}</dt>
      <dd>{t(`materials.visibilities.${material.visibility}`)}</dd>
      <dt className="text-gray-600">{t("materials.description")}</dt>
      <dd className="whitespace-pre-wrap">{material.description || dash}</dd>
    </dl>
  );
}

/** The attachments of a material: download for readers, delete for editors. */
export function AttachmentList({
  attachments,
  canWrite,
}: {
  attachments: { id: string; fileName: string; contentType: string; sizeBytes: number; createdAt: string | Date }[];
  canWrite: boolean;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as Locale;
  const params = useParams();
  if (attachments.length === 0) return <p className="text-sm text-gray-600">{t("materials.noAttachments")}</p>;
  return (
    <Table
      caption={t("materials.attachments")}
      head={
        <tr>
          <th className="px-3 py-2">{t("materials.fileName")}</th>
          <th className="px-3 py-2">{t("materials.size")}</th>
          <th className="px-3 py-2">{t("materials.uploadedAt")}</th>
          {canWrite ? <th className="px-3 py-2">{t("common.actions")}</th> : null}
        </tr>
      }
    >
      {attachments.map((a) => (
        <tr key={a.id} data-testid="attachment-row">
          <td className="px-3 py-2">
            {/* A resource route: a plain link, not client-side navigation. */}
            <a
              href={`/w/${params.slug}/materials/${params.materialId}/attachments/${a.id}`}
              className="text-blue-700 hover:underline"
              download={a.fileName}
              aria-label={`${t("materials.download")} ${a.fileName}`}
            >
              {a.fileName}
            </a>
          </td>
          <td className="whitespace-nowrap px-3 py-2">{formatBytes(a.sizeBytes)}</td>
          <td className="whitespace-nowrap px-3 py-2">{formatDateTime(a.createdAt, locale)}</td>
          {canWrite ? (
            <td className="px-3 py-2">
              <Form method="post">
                <input type="hidden" name="attachmentId" value={a.id} />
                <button type="submit" name="intent" value="deleteAttachment" className="text-red-700 hover:underline">
                  {t("materials.deleteAttachment")}
                </button>
              </Form>
            </td>
          ) : null}
        </tr>
      ))}
    </Table>
  );
}
