// `npm run db:migrate`: applies db/migrations and checks the query role (the server does the same at start).
import { getDatabase } from "./client.server";

const database = await getDatabase();
await database.close();
console.log(`Migrations applied (${database.kind}).`);
