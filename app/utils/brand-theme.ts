import { brandCssVariables, contrastRatio, DEFAULT_BRAND, type Brand } from "#server/tenancy/shared.ts";

const AA = 4.5;
const FALLBACK_INK = "#1f2937";

/**
 * The brand's CSS variables plus `--brand-ink`: the brand colour readable as text on white (primary, else
 * accent, else near-black), so storefront text can carry the brand without failing WCAG AA on a pale palette.
 */
export function themeCssVariables(brand: Partial<Brand>): Record<string, string> {
  const primary = brand.primaryColor ?? DEFAULT_BRAND.primaryColor;
  const accent = brand.accentColor ?? DEFAULT_BRAND.accentColor;
  const ink = [primary, accent].find((c) => contrastRatio(c, "#ffffff") >= AA) ?? FALLBACK_INK;
  return { ...brandCssVariables(brand), "--brand-ink": ink };
}

/** The variables as one CSS rule for the nonce'd SSR <style>. */
export function themeCss(selector: string, brand: Partial<Brand>) {
  return `${selector}{${Object.entries(themeCssVariables(brand)).map(([k, v]) => `${k}:${v}`).join(";")}}`;
}
