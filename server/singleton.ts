/** One instance per process, even when the Remix bundle and the server load the same module twice. */
export function singleton<T>(name: string, factory: () => T): T {
  const g = globalThis as unknown as { __singletons?: Map<string, unknown> };
  g.__singletons ??= new Map();
  if (!g.__singletons.has(name)) g.__singletons.set(name, factory());
  return g.__singletons.get(name) as T;
}
