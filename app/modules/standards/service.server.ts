import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, gt, isNull, lt, sql } from "drizzle-orm";
import type { Tx } from "../../../db/client.server";
import { certificates, standardNodes, standardVersions } from "../../../db/schema";
import { translator } from "~/i18n/i18n";
import { audit } from "~/modules/audit/audit.server";
import { levels } from "~/modules/certificates/schemas";
import type { TenantContext } from "~/modules/tenancy/context.server";
import { isUuid } from "~/ui/ids";
import type { Level, NodeInput, NodeKind } from "./schemas";

// 职业技能等级标准: versions of a certificate's standard, each a tree per level of work areas →
// work tasks → skill requirements. The database keeps a published version immutable (trigger
// standard_version_guard / standard_node_guard); the checks here give the user a message first.

export type StandardNode = typeof standardNodes.$inferSelect;
export type StandardVersion = typeof standardVersions.$inferSelect;

const childKind: Record<NodeKind, NodeKind | null> = { work_area: "work_task", work_task: "skill_requirement", skill_requirement: null };

type Failure = { ok: false; status: number; fieldErrors?: Record<string, string[]>; formErrors?: string[] };
type Result<T> = { ok: true; value: T } | Failure;

function refuse(ctx: TenantContext, status: number, key: string, options?: Record<string, unknown>): Failure {
  return { ok: false, status, formErrors: [translator(ctx.locale)(key, options) as string] };
}

function fieldError(ctx: TenantContext, field: string, key: string): Failure {
  return { ok: false, status: 400, fieldErrors: { [field]: [translator(ctx.locale)(key) as string] } };
}

/** "1.10" after "1.9": codes compare as numbers, part by part. */
function compareCodes(a: string, b: string) {
  const x = a.split(".").map(Number);
  const y = b.split(".").map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? -1) - (y[i] ?? -1);
    if (d) return d;
  }
  return 0;
}

function sortNodes<T extends { level: Level; code: string }>(nodes: T[]) {
  return [...nodes].sort((a, b) => levels.indexOf(a.level) - levels.indexOf(b.level) || compareCodes(a.code, b.code));
}

/** The certificate whose standard it is, the organization's own only. */
export async function standardCertificate(tx: Tx, ctx: TenantContext, certificateId: string) {
  if (!isUuid(certificateId)) return null;
  const [row] = await tx
    .select({ id: certificates.id, code: certificates.code, nameZh: certificates.nameZh, nameEn: certificates.nameEn, levels: certificates.levels })
    .from(certificates)
    .where(and(eq(certificates.tenantId, ctx.tenant.id), eq(certificates.id, certificateId)))
    .limit(1);
  return row ?? null;
}

/** The versions of a certificate's standard, newest first, with their node counts. */
export function listVersions(tx: Tx, ctx: TenantContext, certificateId: string) {
  return tx
    .select({
      id: standardVersions.id,
      version: standardVersions.version,
      status: standardVersions.status,
      createdAt: standardVersions.createdAt,
      publishedAt: standardVersions.publishedAt,
      supersededAt: standardVersions.supersededAt,
      // Table-qualified: drizzle writes a one-table select's columns bare, which inside the subquery are n's own.
      nodes: sql<number>`(select count(*)::int from standard_nodes n where n.tenant_id = ${standardVersions}.tenant_id and n.version_id = ${standardVersions}.id)`,
    })
    .from(standardVersions)
    .where(and(eq(standardVersions.tenantId, ctx.tenant.id), eq(standardVersions.certificateId, certificateId)))
    .orderBy(desc(standardVersions.version));
}

/**
 * A version of the organization's own (other organizations' published versions are readable under
 * RLS, as public documents, but are not theirs to open here).
 */
export async function getVersion(tx: Tx, ctx: TenantContext, versionId: string) {
  if (!isUuid(versionId)) return null;
  const [row] = await tx
    .select({
      version: standardVersions,
      certificate: { id: certificates.id, code: certificates.code, nameZh: certificates.nameZh, nameEn: certificates.nameEn, levels: certificates.levels },
    })
    .from(standardVersions)
    .innerJoin(certificates, and(eq(certificates.tenantId, standardVersions.tenantId), eq(certificates.id, standardVersions.certificateId)))
    .where(and(eq(standardVersions.tenantId, ctx.tenant.id), eq(standardVersions.id, versionId)))
    .limit(1);
  return row ?? null;
}

/** A version's nodes, by level and code. */
export async function versionNodes(tx: Tx, ctx: TenantContext, versionId: string) {
  const rows = await tx
    .select()
    .from(standardNodes)
    .where(and(eq(standardNodes.tenantId, ctx.tenant.id), eq(standardNodes.versionId, versionId)));
  return sortNodes(rows);
}

/**
 * A draft version, locked for this transaction so concurrent edits of one draft renumber one at a
 * time; a published or superseded one is refused with 409.
 */
async function draftVersion(tx: Tx, ctx: TenantContext, versionId: string): Promise<Result<NonNullable<Awaited<ReturnType<typeof getVersion>>>>> {
  const found = await getVersion(tx, ctx, versionId);
  if (!found) throw new Response("Not found", { status: 404 });
  const [locked] = await tx
    .select({ status: standardVersions.status })
    .from(standardVersions)
    .where(and(eq(standardVersions.tenantId, ctx.tenant.id), eq(standardVersions.id, versionId)))
    .for("update");
  if (locked?.status !== "draft") return refuse(ctx, 409, "standards.errors.notDraft", { version: found.version.version });
  return { ok: true, value: found };
}

async function nodeOf(tx: Tx, ctx: TenantContext, versionId: string, nodeId: string) {
  const [node] = await tx
    .select()
    .from(standardNodes)
    .where(and(eq(standardNodes.tenantId, ctx.tenant.id), eq(standardNodes.versionId, versionId), eq(standardNodes.id, nodeId)))
    .limit(1);
  return node ?? null;
}

/** A node of a draft version (locked as `draftVersion` does), or the refusal. */
async function draftNode(tx: Tx, ctx: TenantContext, versionId: string, nodeId: string): Promise<Result<StandardNode>> {
  const draft = await draftVersion(tx, ctx, versionId);
  if (!draft.ok) return draft;
  const node = await nodeOf(tx, ctx, versionId, nodeId);
  return node ? { ok: true, value: node } : fieldError(ctx, "nodeId", "errors.invalidOption");
}

/** Positions 1…n among siblings and codes `1`, `1.1`, `1.1.1` from them, for one level of a version. */
function numbered(tenantId: string, versionId: string, level: Level) {
  return sql`with recursive ordered as (
      select id, parent_id, row_number() over (partition by parent_id order by position, code)::int as pos
      from standard_nodes where tenant_id = ${tenantId} and version_id = ${versionId} and level = ${level}
    ), tree as (
      select id, pos, pos::text as code from ordered where parent_id is null
      union all
      select o.id, o.pos, tree.code || '.' || o.pos::text from ordered o join tree on o.parent_id = tree.id
    )`;
}

/**
 * Recomputes positions and codes after an insert, move or delete. The unique index on (version,
 * level, code) is checked row by row, so a swap (1 ↔ 2) would collide halfway: the codes that
 * change are first parked under temporary ones, then set.
 */
async function renumber(tx: Tx, tenantId: string, versionId: string, level: Level) {
  await tx.execute(sql`${numbered(tenantId, versionId, level)}
    update standard_nodes n set code = '~' || n.id::text from tree
    where n.tenant_id = ${tenantId} and n.id = tree.id and n.code <> tree.code`);
  await tx.execute(sql`${numbered(tenantId, versionId, level)}
    update standard_nodes n set code = tree.code, position = tree.pos from tree
    where n.tenant_id = ${tenantId} and n.id = tree.id and (n.code <> tree.code or n.position <> tree.pos)`);
}

/**
 * Starts a draft: the next version number, with a copy of the latest published version's nodes
 * (new ids, the same lineage ids, so questions and the diff follow each node), or empty.
 */
export async function startDraft(tx: Tx, ctx: TenantContext, certificateId: string): Promise<Result<StandardVersion>> {
  if (!isUuid(certificateId)) throw new Response("Not found", { status: 404 });
  // Lock the certificate: two editors starting a draft at once get one draft and one message.
  const [certificate] = await tx
    .select({ id: certificates.id })
    .from(certificates)
    .where(and(eq(certificates.tenantId, ctx.tenant.id), eq(certificates.id, certificateId)))
    .for("update");
  if (!certificate) throw new Response("Not found", { status: 404 });
  const versions = await listVersions(tx, ctx, certificateId);
  const draft = versions.find((v) => v.status === "draft");
  if (draft) return refuse(ctx, 409, "standards.errors.draftExists", { version: draft.version });
  const source = versions.find((v) => v.status === "published");
  const [created] = await tx
    .insert(standardVersions)
    .values({ tenantId: ctx.tenant.id, certificateId, version: (versions[0]?.version ?? 0) + 1, status: "draft" })
    .returning();
  const copied = source ? await copyNodes(tx, ctx.tenant.id, source.id, created.id) : 0;
  await audit(tx, ctx, {
    action: "standard.draft.create",
    entityType: "standard_version",
    entityId: created.id,
    after: { ...created, copiedFromVersion: source?.version ?? null, nodes: copied },
  });
  return { ok: true, value: created };
}

/** Copies every node of one version into another: new ids, parents mapped, lineage kept. */
async function copyNodes(tx: Tx, tenantId: string, fromVersionId: string, toVersionId: string) {
  const nodes = await tx
    .select()
    .from(standardNodes)
    .where(and(eq(standardNodes.tenantId, tenantId), eq(standardNodes.versionId, fromVersionId)));
  if (!nodes.length) return 0;
  const ids = new Map(nodes.map((n) => [n.id, randomUUID()]));
  // Parents before children, though one INSERT checks its foreign keys only at the end.
  const depth = { work_area: 0, work_task: 1, skill_requirement: 2 } as const;
  await tx
    .insert(standardNodes)
    .values(
      [...nodes]
        .sort((a, b) => depth[a.kind] - depth[b.kind])
        .map((n) => ({ ...n, id: ids.get(n.id)!, versionId: toVersionId, parentId: n.parentId ? ids.get(n.parentId)! : null })),
    );
  return nodes.length;
}

/** Adds a work area (no parent), a work task (under an area) or a skill requirement (under a task), last among its siblings. */
export async function addNode(
  tx: Tx,
  ctx: TenantContext,
  versionId: string,
  input: NodeInput & { level: Level; parentId?: string },
): Promise<Result<StandardNode>> {
  const draft = await draftVersion(tx, ctx, versionId);
  if (!draft.ok) return draft;
  if (!draft.value.certificate.levels.includes(input.level)) return fieldError(ctx, "level", "errors.levelNotOffered");
  let kind: NodeKind = "work_area";
  if (input.parentId) {
    const parent = await nodeOf(tx, ctx, versionId, input.parentId);
    const under = parent && parent.level === input.level ? childKind[parent.kind] : null;
    if (!under) return fieldError(ctx, "parentId", "errors.invalidOption");
    kind = under;
  }
  const [{ last }] = await tx
    .select({ last: sql<number>`coalesce(max(${standardNodes.position}), 0)::int` })
    .from(standardNodes)
    .where(
      and(
        eq(standardNodes.tenantId, ctx.tenant.id),
        eq(standardNodes.versionId, versionId),
        eq(standardNodes.level, input.level),
        input.parentId ? eq(standardNodes.parentId, input.parentId) : isNull(standardNodes.parentId),
      ),
    );
  const [inserted] = await tx
    .insert(standardNodes)
    .values({
      tenantId: ctx.tenant.id,
      versionId,
      level: input.level,
      parentId: input.parentId ?? null,
      kind,
      position: last + 1,
      code: `~${randomUUID()}`,
      titleZh: input.titleZh,
      titleEn: input.titleEn,
      description: input.description,
    })
    .returning();
  await renumber(tx, ctx.tenant.id, versionId, input.level);
  const node = (await nodeOf(tx, ctx, versionId, inserted.id))!;
  await audit(tx, ctx, { action: "standard.node.create", entityType: "standard_node", entityId: node.id, after: node });
  return { ok: true, value: node };
}

export async function updateNode(tx: Tx, ctx: TenantContext, versionId: string, nodeId: string, input: NodeInput): Promise<Result<StandardNode>> {
  const found = await draftNode(tx, ctx, versionId, nodeId);
  if (!found.ok) return found;
  const before = found.value;
  const [after] = await tx
    .update(standardNodes)
    .set({ titleZh: input.titleZh, titleEn: input.titleEn, description: input.description })
    .where(and(eq(standardNodes.tenantId, ctx.tenant.id), eq(standardNodes.id, nodeId)))
    .returning();
  await audit(tx, ctx, { action: "standard.node.update", entityType: "standard_node", entityId: nodeId, before, after });
  return { ok: true, value: after };
}

/** Swaps a node with its previous or next sibling; its subtree moves with it. At either end nothing changes. */
export async function moveNode(tx: Tx, ctx: TenantContext, versionId: string, nodeId: string, direction: "up" | "down"): Promise<Result<StandardNode>> {
  const found = await draftNode(tx, ctx, versionId, nodeId);
  if (!found.ok) return found;
  const before = found.value;
  const [neighbour] = await tx
    .select()
    .from(standardNodes)
    .where(
      and(
        eq(standardNodes.tenantId, ctx.tenant.id),
        eq(standardNodes.versionId, versionId),
        eq(standardNodes.level, before.level),
        before.parentId ? eq(standardNodes.parentId, before.parentId) : isNull(standardNodes.parentId),
        direction === "up" ? lt(standardNodes.position, before.position) : gt(standardNodes.position, before.position),
      ),
    )
    .orderBy(direction === "up" ? desc(standardNodes.position) : asc(standardNodes.position))
    .limit(1);
  if (!neighbour) return { ok: true, value: before };
  const place = (id: string, position: number) =>
    tx
      .update(standardNodes)
      .set({ position })
      .where(and(eq(standardNodes.tenantId, ctx.tenant.id), eq(standardNodes.id, id)));
  await place(before.id, neighbour.position);
  await place(neighbour.id, before.position);
  await renumber(tx, ctx.tenant.id, versionId, before.level);
  const after = (await nodeOf(tx, ctx, versionId, nodeId))!;
  await audit(tx, ctx, { action: "standard.node.move", entityType: "standard_node", entityId: nodeId, before, after: { ...after, direction } });
  return { ok: true, value: after };
}

/** Deletes a node with its subtree (the foreign key cascades) and closes the gap in the codes. */
export async function deleteNode(tx: Tx, ctx: TenantContext, versionId: string, nodeId: string): Promise<Result<{ removed: number }>> {
  const found = await draftNode(tx, ctx, versionId, nodeId);
  if (!found.ok) return found;
  const before = found.value;
  const subtree = (await versionNodes(tx, ctx, versionId)).filter(
    (n) => n.level === before.level && (n.code === before.code || n.code.startsWith(`${before.code}.`)),
  );
  await tx.delete(standardNodes).where(and(eq(standardNodes.tenantId, ctx.tenant.id), eq(standardNodes.id, nodeId)));
  await renumber(tx, ctx.tenant.id, versionId, before.level);
  await audit(tx, ctx, {
    action: "standard.node.delete",
    entityType: "standard_node",
    entityId: nodeId,
    before: { ...before, subtree: subtree.map((n) => n.code) },
  });
  return { ok: true, value: { removed: subtree.length } };
}

/**
 * Publishes a draft: the latest published version of the certificate becomes superseded. An empty
 * tree, or a work area without tasks or a task without requirements, is refused.
 */
export async function publishVersion(tx: Tx, ctx: TenantContext, versionId: string): Promise<Result<StandardVersion>> {
  const draft = await draftVersion(tx, ctx, versionId);
  if (!draft.ok) return draft;
  const nodes = await versionNodes(tx, ctx, versionId);
  if (!nodes.length) return refuse(ctx, 400, "standards.errors.empty");
  const parents = new Set(nodes.map((n) => n.parentId));
  const bare = nodes.filter((n) => n.kind !== "skill_requirement" && !parents.has(n.id));
  if (bare.length) {
    const t = translator(ctx.locale);
    const where = bare.map((n) => `${t(`certificates.levelNames.${n.level}`)} ${n.code}`).join(t("standards.listSeparator"));
    return refuse(ctx, 400, "standards.errors.incomplete", { nodes: where });
  }
  const certificateId = draft.value.version.certificateId;
  const superseded = await tx
    .update(standardVersions)
    .set({ status: "superseded", supersededAt: sql`now()` })
    .where(and(eq(standardVersions.tenantId, ctx.tenant.id), eq(standardVersions.certificateId, certificateId), eq(standardVersions.status, "published")))
    .returning({ id: standardVersions.id, version: standardVersions.version });
  const [after] = await tx
    .update(standardVersions)
    .set({ status: "published", publishedAt: sql`now()` })
    .where(and(eq(standardVersions.tenantId, ctx.tenant.id), eq(standardVersions.id, versionId)))
    .returning();
  await audit(tx, ctx, {
    action: "standard.publish",
    entityType: "standard_version",
    entityId: versionId,
    before: draft.value.version,
    after: { ...after, nodes: nodes.length, superseded: superseded.map((s) => s.version) },
  });
  return { ok: true, value: after };
}

/** Discards a draft and its nodes (nodes first: the node trigger must still see a draft). */
export async function discardDraft(tx: Tx, ctx: TenantContext, versionId: string): Promise<Result<{ certificateId: string }>> {
  const draft = await draftVersion(tx, ctx, versionId);
  if (!draft.ok) return draft;
  const removed = await tx
    .delete(standardNodes)
    .where(and(eq(standardNodes.tenantId, ctx.tenant.id), eq(standardNodes.versionId, versionId)))
    .returning({ id: standardNodes.id });
  await tx.delete(standardVersions).where(and(eq(standardVersions.tenantId, ctx.tenant.id), eq(standardVersions.id, versionId)));
  await audit(tx, ctx, {
    action: "standard.discard",
    entityType: "standard_version",
    entityId: versionId,
    before: { ...draft.value.version, nodes: removed.length },
  });
  return { ok: true, value: { certificateId: draft.value.version.certificateId } };
}

const diffFields = ["code", "titleZh", "titleEn", "description", "parent"] as const;
export type DiffField = (typeof diffFields)[number];

export interface DiffNode {
  lineageId: string;
  kind: NodeKind;
  code: string;
  titleZh: string;
  titleEn: string;
  description: string;
  parent: string | null; // the parent's lineage id
  parentCode: string | null;
}

export interface LevelDiff {
  level: Level;
  added: DiffNode[];
  removed: DiffNode[];
  changed: { from: DiffNode; to: DiffNode; fields: DiffField[] }[];
}

function diffNodes(nodes: StandardNode[]) {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  return new Map(
    nodes.map((n) => {
      const parent = n.parentId ? byId.get(n.parentId) : undefined;
      const node: DiffNode = {
        lineageId: n.lineageId,
        kind: n.kind,
        code: n.code,
        titleZh: n.titleZh,
        titleEn: n.titleEn,
        description: n.description,
        parent: parent?.lineageId ?? null,
        parentCode: parent?.code ?? null,
      };
      return [`${n.level}:${n.lineageId}`, { level: n.level, node }] as const;
    }),
  );
}

/** What changed from one version to another, node by node (matched by lineage id), per level. */
export function diffVersions(fromNodes: StandardNode[], toNodes: StandardNode[]): LevelDiff[] {
  const from = diffNodes(fromNodes);
  const to = diffNodes(toNodes);
  const result = levels.map((level): LevelDiff => ({ level, added: [], removed: [], changed: [] }));
  const of = (level: Level) => result[levels.indexOf(level)];
  for (const [key, { level, node }] of to) {
    const old = from.get(key)?.node;
    if (!old) of(level).added.push(node);
    else {
      const fields = diffFields.filter((field) => old[field] !== node[field]);
      if (fields.length) of(level).changed.push({ from: old, to: node, fields });
    }
  }
  for (const [key, { level, node }] of from) if (!to.has(key)) of(level).removed.push(node);
  for (const entry of result) {
    entry.added.sort((a, b) => compareCodes(a.code, b.code));
    entry.removed.sort((a, b) => compareCodes(a.code, b.code));
    entry.changed.sort((a, b) => compareCodes(a.to.code, b.to.code));
  }
  return result.filter((entry) => entry.added.length + entry.removed.length + entry.changed.length > 0);
}

/** Two versions of the same certificate of this organization and their difference. */
export async function compareVersions(tx: Tx, ctx: TenantContext, fromId: string, toId: string) {
  const [from, to] = [await getVersion(tx, ctx, fromId), await getVersion(tx, ctx, toId)];
  if (!from || !to) throw new Response("Not found", { status: 404 });
  if (from.certificate.id !== to.certificate.id) throw new Response("Versions of different certificates", { status: 400 });
  return {
    certificate: from.certificate,
    from: from.version,
    to: to.version,
    levels: diffVersions(await versionNodes(tx, ctx, fromId), await versionNodes(tx, ctx, toId)),
  };
}
