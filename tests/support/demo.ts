import { creditCodeCheckChar } from "../../app/modules/tenancy/credit-code";

export { demoPassword as password } from "../../db/seed/demo";

/** A valid 统一社会信用代码 from its first 17 characters. */
export function creditCode(first17: string) {
  const check = creditCodeCheckChar(first17);
  if (!check) throw new Error(`not a credit code body: ${first17}`);
  return first17 + check;
}
