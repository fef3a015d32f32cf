export * from "./client.ts";
export * from "./paging.ts";
export * from "./tenant-scope.ts";
