import { describe, expect, it } from "vitest";
import { createI18n, locales, resources } from "../../app/i18n/i18n";
import { auditActionLabel, auditActions, auditEntityLabel, auditEntityTypes } from "../../app/modules/audit/actions";

// Every action audit() accepts (its type is the registry) and every entity type has a label in each
// language, and no label is left over from an action that is gone.

type Tree = { [key: string]: string | Tree };

/** The dotted paths of a tree's strings. */
function leaves(tree: Tree, prefix = ""): string[] {
  return Object.entries(tree).flatMap(([key, value]) => (typeof value === "string" ? [`${prefix}${key}`] : leaves(value, `${prefix}${key}.`)));
}

describe("audit action labels", () => {
  it("lists each action and entity type once", () => {
    expect(new Set(auditActions).size).toBe(auditActions.length);
    expect(new Set(auditEntityTypes).size).toBe(auditEntityTypes.length);
  });

  for (const locale of locales) {
    it(`labels every action and entity type in ${locale}, and nothing else`, () => {
      const audit = resources[locale].translation.audit as unknown as { actions: Tree; entities: Tree };
      expect(leaves(audit.actions).sort()).toEqual([...auditActions].sort());
      expect(leaves(audit.entities).sort()).toEqual([...auditEntityTypes].sort());
      const t = createI18n(locale).t;
      for (const action of auditActions) {
        const label = auditActionLabel(t, action);
        expect(label, action).toBeTypeOf("string");
        expect(label.trim(), action).not.toBe("");
        expect(label, action).not.toContain(action);
      }
      for (const type of auditEntityTypes) expect(auditEntityLabel(t, type), type).not.toContain(type);
    });
  }

  it("says each action differently in Chinese and English, and tells the actions of one language apart", () => {
    const zh = createI18n("zh-CN").t;
    const en = createI18n("en").t;
    for (const action of auditActions) {
      expect(auditActionLabel(zh, action), action).toMatch(/\p{Script=Han}/u);
      expect(auditActionLabel(en, action), action).not.toMatch(/\p{Script=Han}/u);
    }
    for (const t of [zh, en]) expect(new Set(auditActions.map((action) => auditActionLabel(t, action))).size).toBe(auditActions.length);
  });

  it("shows a key it does not know as it is", () => {
    expect(auditActionLabel(createI18n("en").t, "forged")).toBe("forged");
    expect(auditEntityLabel(createI18n("en").t, "x")).toBe("x");
  });
});
