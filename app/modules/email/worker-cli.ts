// `npm run worker`: the email worker on its own, next to (or instead of) the one inside the server.
import { getDatabase } from "../../../db/client.server";
import { startEmailWorker } from "./worker.server";

if (!process.env.DATABASE_URL) {
  console.error("npm run worker needs DATABASE_URL: the embedded PGlite database admits one process, the server.");
  process.exit(2);
}
const database = await getDatabase();
const stop = startEmailWorker();
console.log("email worker running");
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, async () => {
    await stop();
    await database.close();
    process.exit(0);
  });
}
