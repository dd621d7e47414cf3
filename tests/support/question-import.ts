import { expect } from "vitest";
import type { HttpClient } from "./app";

export interface FinishedImport<Job> {
  jobId: string;
  job: Job;
  errors: { row: number; column: string; message: string }[];
}

/**
 * Follows a question import of demo-ai (its job page's data) until it is done or failed. Rows like
 * questions already in the bank stop the job for the near-duplicate review (decision 051): answered
 * "keep all", as a user importing a file they know would. Polls for up to four minutes: a 10,000-row
 * import also computes each row's near-duplicate signature twice (check, then bank) on a loaded machine.
 */
export async function finishQuestionImport<Job extends { status: string }>(client: HttpClient, jobId: string): Promise<FinishedImport<Job>> {
  let job: Job | null = null;
  for (let i = 0; i < 2400; i++) {
    const data = (await (await client.data(`/w/demo-ai/questions/import/${jobId}`, "routes/w.$slug.questions.import.$jobId")).json()) as {
      job: Job;
      errors: FinishedImport<Job>["errors"];
    };
    job = data.job;
    if (job.status === "done" || job.status === "failed") return { jobId, job, errors: data.errors };
    if (job.status === "review") expect((await client.post(`/w/demo-ai/questions/import/${jobId}/review`, { intent: "keep" })).status).toBeLessThan(400);
    else await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`import ${jobId} did not finish: ${JSON.stringify(job)}`);
}
