import type { SerializeFrom } from "@remix-run/node";
import type { TFunction } from "i18next";
import { createI18n, type Locale } from "~/i18n/i18n";

// Every page's <title> is "page · workspace · XCert" in the reader's language. Route modules name
// their page in `handle` (a translation key, or a function of their loader data) instead of each
// exporting `meta` (Remix calls a route's meta with the matches above it only, so no one meta
// function sees the language, the workspace and the page): the root document renders the head from
// useMatches(), and a page that forgets its title still gets the workspace's.

type Title = string | ((data: never, t: TFunction, en: boolean) => string | undefined);

export interface RouteHandle {
  title?: Title;
  /** Extra meta tags of the page (e.g. no-referrer on pages whose URL holds a token). */
  meta?: { name: string; content: string }[];
}

/** A handle whose title is computed from the route's loader data (as the component receives it). */
export function titleFrom<Loader>(title: (data: SerializeFrom<Loader>, t: TFunction, en: boolean) => string | undefined): RouteHandle {
  return { title: title as Title };
}

interface Match {
  id: string;
  data: unknown;
  handle?: unknown;
}

type Named = { name: string; nameEn: string | null };

/** The layouts whose loader names the workspace a page belongs to. */
const workspaceLayouts = ["routes/w.$slug", "routes/committee"];

/** The document title and extra meta tags of the deepest page (`errorTitleKey` when the page failed). */
export function documentHead(matches: readonly Match[], locale: Locale, errorTitleKey: string | null) {
  const t = createI18n(locale).t;
  const en = locale === "en";
  let page: string | undefined;
  if (errorTitleKey) page = t(errorTitleKey);
  else
    for (const match of [...matches].reverse()) {
      const title = (match.handle as RouteHandle | undefined)?.title;
      if (!title) continue;
      page = typeof title === "string" ? t(title) : match.data ? title(match.data as never, t, en) : undefined;
      if (page) break;
    }
  const layout = matches.find((m) => workspaceLayouts.includes(m.id));
  const workspace = (layout?.data as { tenant?: Named } | undefined)?.tenant;
  const workspaceName = workspace ? (en && workspace.nameEn ? workspace.nameEn : workspace.name) : undefined;
  const title = [page, workspaceName, "XCert"].filter((part, i, all) => part && all.indexOf(part) === i).join(" · ");
  return { title, meta: matches.flatMap((m) => (m.handle as RouteHandle | undefined)?.meta ?? []) };
}
