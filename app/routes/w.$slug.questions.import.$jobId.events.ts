import type { LoaderFunctionArgs } from "@remix-run/node";
import { getImportJob, progressOf } from "~/modules/imports/jobs.server";
import { transaction, withTenant } from "~/modules/tenancy/context.server";

// Live progress of an import as server-sent events: the job row, read in a short transaction of its
// own every half second, until the job ends or the browser leaves.
export async function loader({ request, params }: LoaderFunctionArgs) {
  const scope = await withTenant(request, params.slug, "certificates:write", async (tx, ctx) => {
    const job = await getImportJob(tx, ctx, params.jobId ?? "");
    if (!job) throw new Response("Not found", { status: 404 });
    return { ctx, scope: { tenantId: ctx.tenant.id, tenantKind: ctx.tenant.kind, userId: ctx.user.id, role: ctx.role }, id: job.id };
  });
  const encoder = new TextEncoder();
  const deadline = Date.now() + 15 * 60_000;
  const stream = new ReadableStream({
    async start(controller) {
      let last = "";
      while (!request.signal.aborted && Date.now() < deadline) {
        const job = await transaction(scope.scope, (tx) => getImportJob(tx, scope.ctx, scope.id));
        if (!job) break;
        const payload = JSON.stringify({ status: job.status, totalRows: job.totalRows, processedRows: job.processedRows, importedRows: job.importedRows, progress: progressOf(job) });
        if (payload !== last) controller.enqueue(encoder.encode(`event: progress\ndata: ${payload}\n\n`));
        else controller.enqueue(encoder.encode(": still working\n\n"));
        last = payload;
        if (job.status === "done" || job.status === "failed") break;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      controller.close();
    },
  });
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream; charset=utf-8", "Cache-Control": "no-store", "X-Accel-Buffering": "no" },
  });
}
