import { z } from "zod";

export const FONT_FAMILIES = ["system", "serif", "mono", "rounded", "humanist"] as const;
const hex = z.string().regex(/^#[0-9a-fA-F]{6}$/, "must be a #rrggbb colour").transform((s) => s.toLowerCase());
const httpsOrPath = z.string().max(2048).regex(/^(https:\/\/|\/)/, "must be an https:// URL or a site path");

/** CAT-B brand schema, validated on every write (API, manifests). */
export const brandSchema = z
  .object({
    displayName: z.string().trim().min(1).max(80),
    tagline: z.string().trim().max(160).optional(),
    logoUrl: httpsOrPath.optional(),
    faviconUrl: httpsOrPath.optional(),
    primaryColor: hex,
    accentColor: hex,
    fontFamily: z.enum(FONT_FAMILIES).optional(),
    supportEmail: z.email().max(254).optional(),
    hidePlatformBadge: z.boolean().optional(),
  })
  .strict();
export type Brand = z.infer<typeof brandSchema>;

export const DEFAULT_BRAND = { primaryColor: "#1f2937", accentColor: "#2563eb" } as const;

function luminance(hexColor: string) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hexColor.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

export function contrastRatio(colorA: string, colorB: string) {
  const [hi, lo] = [luminance(colorA), luminance(colorB)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

/** The text colour (near-black or white) with the higher WCAG contrast on `background`. */
export function readableForeground(background: string) {
  return contrastRatio(background, "#ffffff") >= contrastRatio(background, "#000000") ? "#ffffff" : "#000000";
}

const FONT_STACKS: Record<(typeof FONT_FAMILIES)[number], string> = {
  system: "ui-sans-serif, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
  serif: "ui-serif, Georgia, Cambria, 'Times New Roman', serif",
  mono: "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace",
  rounded: "ui-rounded, 'SF Pro Rounded', 'Nunito', system-ui, sans-serif",
  humanist: "Seravek, 'Gill Sans Nova', Ubuntu, Calibri, 'DejaVu Sans', sans-serif",
};

/** CSS custom properties for the SSR <style> block: the page is branded from the first byte. */
export function brandCssVariables(brand: Partial<Brand>): Record<string, string> {
  const primary = brand.primaryColor ?? DEFAULT_BRAND.primaryColor;
  const accent = brand.accentColor ?? DEFAULT_BRAND.accentColor;
  return {
    "--brand-primary": primary,
    "--brand-primary-fg": readableForeground(primary),
    "--brand-accent": accent,
    "--brand-accent-fg": readableForeground(accent),
    "--brand-font": FONT_STACKS[brand.fontFamily ?? "system"],
  };
}
