// `npm run db:seed`: the demo data, once, into an empty database. Refused in production.
import { getDatabase } from "../client.server";
import { seedDemo } from "./demo";

if (process.env.NODE_ENV === "production") {
  console.error("Refusing to seed demo data: NODE_ENV=production.");
  process.exit(1);
}
const database = await getDatabase();
try {
  const result = await seedDemo();
  console.log(result === "seeded" ? "Demo data seeded (accounts in README.md)." : "Database not empty: demo seed skipped.");
} finally {
  await database.close();
}
