import type { SubmissionResult } from "@conform-to/react";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { Level, NodeKind } from "../schemas";
import { formKeyOf, NodeForm } from "./node-form";

export interface TreeNode {
  id: string;
  parentId: string | null;
  level: Level;
  kind: NodeKind;
  code: string;
  titleZh: string;
  titleEn: string;
  description: string;
}

const addLabel = { work_area: "standards.addTask", work_task: "standards.addRequirement" } as const;
const depthStyle: Record<NodeKind, string> = {
  work_area: "text-base font-semibold",
  work_task: "font-medium",
  skill_requirement: "",
};

/** Nodes (already in code order) grouped by parent. */
function childrenOf(nodes: TreeNode[]) {
  const map = new Map<string | null, TreeNode[]>();
  for (const node of nodes) map.set(node.parentId, [...(map.get(node.parentId) ?? []), node]);
  return map;
}

function SmallButton({
  intent,
  nodeId,
  label,
  children,
  extra,
}: {
  intent: string;
  nodeId: string;
  label: string;
  children: string;
  extra?: Record<string, string>;
}) {
  return (
    <Form method="post" className="inline">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="nodeId" value={nodeId} />
      {Object.entries(extra ?? {}).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button
        type="submit"
        aria-label={label}
        title={label}
        className={`rounded border px-2 py-0.5 text-xs focus:outline-none focus:ring-2 focus:ring-blue-300 ${intent === "delete" ? "border-red-200 text-red-700 hover:bg-red-50" : "border-gray-300 bg-white hover:bg-gray-100"}`}
      >
        {children}
      </button>
    </Form>
  );
}

/**
 * One level of a version as nested lists. With `editable`, every node gets edit, move and delete
 * controls and an "add" form for its children: native forms and buttons, so the keyboard works.
 */
export function StandardTree({
  level,
  nodes,
  editable,
  lastResult,
}: {
  level: Level;
  nodes: TreeNode[];
  editable: boolean;
  lastResult?: SubmissionResult<string[]> | null;
}) {
  const { t, i18n } = useTranslation();
  const en = i18n.language === "en";
  const children = childrenOf(nodes);
  const failedForm = lastResult?.status === "error" ? formKeyOf(lastResult.initialValue as Record<string, unknown>) : null;
  const resultFor = (key: string) => (failedForm === key ? lastResult : undefined);

  const renderNodes = (parentId: string | null) => {
    const list = children.get(parentId) ?? [];
    if (!list.length) return null;
    return (
      <ol className={parentId ? "ml-5 mt-1 space-y-1 border-l border-gray-200 pl-3" : "space-y-3"}>
        {list.map((node, index) => {
          const title = en && node.titleEn ? node.titleEn : node.titleZh;
          const other = en ? (node.titleEn ? node.titleZh : "") : node.titleEn;
          return (
            <li key={node.id} data-testid="standard-node" data-code={node.code} data-kind={node.kind}>
              <div className="flex flex-wrap items-baseline gap-2">
                <span className="font-mono text-sm text-gray-600">{node.code}</span>
                <span className={depthStyle[node.kind]}>{title}</span>
                {other ? <span className="text-sm text-gray-500">{other}</span> : null}
                <span className="rounded bg-gray-100 px-1.5 text-xs text-gray-600">{t(`standards.kinds.${node.kind}`)}</span>
                {editable ? (
                  <span className="no-print ml-auto flex gap-1">
                    {index > 0 ? (
                      <SmallButton intent="move" nodeId={node.id} extra={{ direction: "up" }} label={t("standards.moveUpLabel", { code: node.code })}>
                        {`↑ ${t("standards.moveUp")}`}
                      </SmallButton>
                    ) : null}
                    {index < list.length - 1 ? (
                      <SmallButton intent="move" nodeId={node.id} extra={{ direction: "down" }} label={t("standards.moveDownLabel", { code: node.code })}>
                        {`↓ ${t("standards.moveDown")}`}
                      </SmallButton>
                    ) : null}
                    <SmallButton intent="delete" nodeId={node.id} label={t("standards.deleteLabel", { code: node.code })}>
                      {t("standards.delete")}
                    </SmallButton>
                  </span>
                ) : null}
              </div>
              {node.description ? <p className="whitespace-pre-wrap text-sm text-gray-700">{node.description}</p> : null}
              {editable ? (
                <details className="no-print text-sm" open={failedForm === `node:${node.id}`}>
                  <summary className="cursor-pointer text-blue-700 hover:underline">{t("standards.edit")}</summary>
                  <NodeForm
                    key={`${node.id}:${node.titleZh}:${node.titleEn}:${node.description}`}
                    target={{ intent: "update", nodeId: node.id }}
                    defaultValue={{ titleZh: node.titleZh, titleEn: node.titleEn, description: node.description }}
                    lastResult={resultFor(`node:${node.id}`)}
                    submitLabel={t("standards.save")}
                  />
                </details>
              ) : null}
              {renderNodes(node.id)}
              {editable && node.kind !== "skill_requirement" ? (
                <details className="no-print ml-5 mt-1 text-sm" open={failedForm === `add:${level}:${node.id}`}>
                  <summary className="cursor-pointer text-blue-700 hover:underline">{t(addLabel[node.kind])}</summary>
                  <NodeForm
                    key={`add:${node.id}:${children.get(node.id)?.length ?? 0}`}
                    target={{ intent: "add", level, parentId: node.id }}
                    lastResult={resultFor(`add:${level}:${node.id}`)}
                    submitLabel={t("standards.add")}
                  />
                </details>
              ) : null}
            </li>
          );
        })}
      </ol>
    );
  };

  return (
    <div>
      {children.get(null)?.length ? renderNodes(null) : <p className="text-sm text-gray-600">{t("standards.emptyLevel")}</p>}
      {editable ? (
        <details className="no-print mt-3 text-sm" open={failedForm === `add:${level}:`}>
          <summary className="cursor-pointer font-medium text-blue-700 hover:underline">{t("standards.addArea")}</summary>
          <NodeForm
            key={`add:${level}:${children.get(null)?.length ?? 0}`}
            target={{ intent: "add", level }}
            lastResult={resultFor(`add:${level}:`)}
            submitLabel={t("standards.add")}
          />
        </details>
      ) : null}
    </div>
  );
}
