export * from "./tenancy";
export * from "./audit";
export * from "./email";
