export * from "./client.ts";
export * from "./paging.ts";
