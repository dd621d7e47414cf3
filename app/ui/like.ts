/** A substring pattern for ILIKE: the user's %, _ and backslash are characters, not wildcards. */
export function likePattern(q: string) {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
