export * from "./client.ts";
export * from "./paging.ts";
export * from "./tenant-scope.ts";
export * from "./rls.ts";
