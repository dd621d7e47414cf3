// on-headers has no types of its own: it calls `listener` (as the response) just before the headers are written.
declare module "on-headers" {
  import type { ServerResponse } from "node:http";
  export default function onHeaders(res: ServerResponse, listener: (this: ServerResponse) => void): void;
}
