import type { ModuleImporter } from "../backendTypes.js";

/**
 * `import()` of a specifier only known at run time: optional packages (`@tensorflow/tfjs-node`, `webgpu`) that
 * TypeScript and bundlers must not try to resolve at build time.
 */
export const defaultImporter: ModuleImporter = (specifier) => import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);

/** Whether `e` says that the imported package itself is not installed (as opposed to failing while loading). */
export function isModuleNotFound(e: unknown, specifier: string): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message : String(e);
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && message.includes(specifier);
}
