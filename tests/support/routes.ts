import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";

// The route modules under app/routes, read from the sources: the walls tests (fuzzing, isolation)
// compare their hand-kept tables with this list, so a new route cannot be forgotten.

const routesDir = path.resolve(import.meta.dirname, "../../app/routes");

export interface RouteModule {
  /** The file name without its extension, as Remix's route id after "routes/" (`w.$slug.members`). */
  id: string;
  action: boolean;
  loader: boolean;
  /** Dynamic segments (`$slug`, `$certificateId`; `$` alone is the splat). */
  params: string[];
}

const exported = (source: string, name: string) =>
  new RegExp(`export\\s+(async\\s+)?(function\\s+${name}\\b|const\\s+${name}\\b)`).test(source) ||
  new RegExp(`export\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`).test(source);

export function routeModules(): RouteModule[] {
  return readdirSync(routesDir)
    .filter((file) => /\.(tsx?|jsx?)$/.test(file))
    .map((file) => {
      const source = readFileSync(path.join(routesDir, file), "utf8");
      const id = file.replace(/\.(tsx?|jsx?)$/, "");
      const params = id
        .replace(/\[\.\]/g, "")
        .split(".")
        .map((segment) => segment.replace(/^\[|\]$/g, "").replace(/_$/, ""))
        .filter((segment) => segment.startsWith("$"));
      return { id, action: exported(source, "action"), loader: exported(source, "loader"), params };
    })
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** A fuzz or isolation table's name for a route: the route id, optionally followed by " (variant)". */
export const routeOf = (name: string) => name.replace(/\s+\(.*\)$/, "");
