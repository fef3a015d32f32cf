/** Checks every e2e page goes through: console errors collected, hydration awaited, axe (serious/critical) clean. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "vitest";
import type { Page } from "playwright-core";

const AXE = await readFile(path.resolve(import.meta.dirname, "../node_modules/axe-core/axe.min.js"), "utf8");

/** Console errors and page errors of `page`. A 4xx answer to a refused form is expected: Chromium logs it as a failed resource. */
export function watch(page: Page) {
  const errors: string[] = [];
  page.on("console", (m) => m.type() === "error" && !/Failed to load resource/.test(m.text()) && errors.push(m.text()));
  page.on("pageerror", (e) => errors.push(e.message));
  return errors;
}

export const hydrated = (page: Page) => page.waitForFunction(() => (window as Window & { __remixContext?: unknown }).__remixContext !== undefined);

export async function expectAccessible(page: Page, label: string) {
  if (!(await page.evaluate(() => "axe" in window))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async () => {
    type Violation = { id: string; impact?: string | null; help: string; nodes: Array<{ target: string[]; failureSummary?: string }> };
    const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => `${n.target.join(" ")}: ${n.failureSummary}`) }));
  });
  expect(violations, `axe on ${label}`).toEqual([]);
}
