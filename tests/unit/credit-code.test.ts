import { describe, expect, it } from "vitest";
import { creditCodeCheckChar, isValidCreditCode } from "../../app/modules/tenancy/credit-code";

describe("统一社会信用代码", () => {
  it("accepts codes whose check character matches GB 32100-2015", () => {
    expect(isValidCreditCode("91310000MA1FL7XK0H")).toBe(true); // the demo organisation's code
    expect(isValidCreditCode("91110000802100433B")).toBe(true);
    expect(creditCodeCheckChar("91110000802100433")).toBe("B");
    // A check value of 0 maps to "0", not to the 31st letter.
    expect(isValidCreditCode("12310000425012345C")).toBe(true);
  });

  it("rejects a wrong check character, a letter outside the alphabet, and wrong lengths", () => {
    expect(isValidCreditCode("91310000MA1FL7XK0J")).toBe(false);
    expect(isValidCreditCode("91310000MA1FL7XKOH")).toBe(false); // letter O is not in the alphabet
    expect(isValidCreditCode("91310000MA1FL7XK0")).toBe(false);
    expect(isValidCreditCode("91310000MA1FL7XK0HH")).toBe(false);
    expect(isValidCreditCode("")).toBe(false);
    expect(isValidCreditCode("91310000ma1fl7xk0h")).toBe(false);
  });
});
