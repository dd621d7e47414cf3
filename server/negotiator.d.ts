// negotiator 0.6 has no types of its own: the one method the server uses (compression's negotiation).
declare module "negotiator" {
  import type { IncomingMessage } from "node:http";
  export default class Negotiator {
    constructor(request: IncomingMessage);
    /** The best of `available` the request accepts; ties go to the first of `preferred`. */
    encoding(available?: string[], preferred?: string[]): string | undefined;
  }
}
