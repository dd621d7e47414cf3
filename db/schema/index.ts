export * from "./tenancy";
export * from "./audit";
export * from "./email";
export * from "./certificates";
export * from "./standards";
export * from "./fees";
export * from "./banks";
export * from "./public-pages";
