import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { createI18n, resources } from "../../app/i18n/i18n";

const zhCN = resources["zh-CN"].translation as unknown as Tree;
const en = resources.en.translation as unknown as Tree;

type Tree = { [key: string]: string | Tree };

function keys(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) =>
    typeof value === "string" ? [`${prefix}${key}`.replace(/_(one|other)$/, "")] : keys(value, `${prefix}${key}.`),
  );
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? sourceFiles(full) : /\.tsx?$/.test(name) ? [full] : [];
  });
}

describe("translations", () => {
  it("has every key in both languages", () => {
    const zh = new Set(keys(zhCN));
    const english = new Set(keys(en));
    expect([...zh].filter((k) => !english.has(k))).toEqual([]);
    expect([...english].filter((k) => !zh.has(k))).toEqual([]);
  });

  it("defines every literal key the code asks for", () => {
    const root = path.resolve(import.meta.dirname, "../..");
    const known = new Set(keys(zhCN));
    const missing: string[] = [];
    for (const file of [...sourceFiles(path.join(root, "app")), ...sourceFiles(path.join(root, "emails"))]) {
      const text = readFileSync(file, "utf8");
      for (const match of text.matchAll(/\bt\(\s*"([a-zA-Z]+(?:\.[a-zA-Z]+)+)"/g))
        if (!known.has(match[1])) missing.push(`${path.relative(root, file)}: ${match[1]}`);
      for (const match of text.matchAll(/\b(?:label|i18n|title): "([a-zA-Z]+(?:\.[a-zA-Z]+)+)"/g))
        if (!known.has(match[1])) missing.push(`${path.relative(root, file)}: ${match[1]}`);
    }
    expect(missing).toEqual([]);
  });
});

describe("the bound t handed to components", () => {
  it("is one function per language and namespace, and translates as i18next does", () => {
    const zh = createI18n("zh-CN");
    const english = createI18n("en");
    const t = zh.getFixedT("zh-CN", "translation");
    expect(zh.getFixedT("zh-CN", "translation")).toBe(t);
    expect(english.getFixedT("en", "translation")).not.toBe(t);
    // Remembered plain keys, twice, and the other language's own text.
    expect(t("questions.empty")).toBe(resources["zh-CN"].translation.questions.empty);
    expect(t("questions.empty")).toBe(resources["zh-CN"].translation.questions.empty);
    expect(english.getFixedT("en", "translation")("questions.empty")).toBe(resources.en.translation.questions.empty);
    // Options still interpolate, each call with its own values, and a key prefix still applies.
    expect(t("questions.lastUpdated", { at: "A" })).toBe("题库最后更新：A");
    expect(t("questions.lastUpdated", { at: "B" })).toBe("题库最后更新：B");
    expect(zh.getFixedT("zh-CN", "translation", "questions")("empty")).toBe(resources["zh-CN"].translation.questions.empty);
  });
});
