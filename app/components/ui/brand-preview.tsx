import { useEffect, useId, useRef, useState } from "react";
import { brandCssVariables, contrastRatio, type Brand } from "#server/tenancy/shared.ts";
import { useNonce } from "#app/nonce.tsx";

export type BrandDraft = Partial<Record<keyof Brand, string | boolean | undefined>>;

const HEX = /^#[0-9a-fA-F]{6}$/;
const str = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);

/** The draft as far as it is valid: half-typed colours fall back to the defaults instead of breaking the preview. */
function previewBrand(draft: BrandDraft): Partial<Brand> {
  const primary = str(draft.primaryColor);
  const accent = str(draft.accentColor);
  const font = str(draft.fontFamily) as Brand["fontFamily"];
  return {
    ...(primary && HEX.test(primary) ? { primaryColor: primary.toLowerCase() } : {}),
    ...(accent && HEX.test(accent) ? { accentColor: accent.toLowerCase() } : {}),
    ...(font ? { fontFamily: font } : {}),
  };
}

function cssText(vars: Record<string, string>) {
  return Object.entries(vars).map(([k, v]) => `${k}:${v}`).join(";");
}

/**
 * The CSP nonce for an inline <style>: from the server render, or (in the browser, where the context is empty)
 * from the page's own scripts, whose `nonce` property keeps the value the attribute hides.
 */
function usePageNonce() {
  const fromServer = useNonce();
  if (fromServer || typeof document === "undefined") return fromServer;
  return document.querySelector<HTMLScriptElement>("script[nonce]")?.nonce || undefined;
}

/**
 * A miniature of the shop's home page, styled by the same CSS variables the storefront gets. The first paint uses
 * a nonce'd <style>; edits then set the variables through the CSSOM, which a strict style-src allows. The classes
 * read the --brand-* variables directly (not the theme's bg-brand, whose alias resolves once at :root).
 */
export function BrandPreview({ draft, address }: { draft: BrandDraft; address: string }) {
  const id = `brand-preview-${useId().replace(/[^a-zA-Z0-9_-]/g, "")}`;
  const nonce = usePageNonce();
  const ref = useRef<HTMLDivElement>(null);
  const brand = previewBrand(draft);
  const vars = brandCssVariables(brand);
  const [initialCss] = useState(() => `#${id}{${cssText(vars)}}`);
  const varsKey = cssText(vars);
  // Applied when the variables' text changes (`brand` is a new object on every render, its text is not).
  const applied = useRef<string | null>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el || applied.current === varsKey) return;
    applied.current = varsKey;
    for (const [k, v] of Object.entries(vars)) el.style.setProperty(k, v);
  });

  const name = str(draft.displayName) ?? "Your shop";
  const tagline = str(draft.tagline);
  // Image addresses arrive already resolved to something the dashboard can load (see dashboardMediaUrl).
  const logo = str(draft.logoUrl);
  const favicon = str(draft.faviconUrl);
  const email = str(draft.supportEmail);
  const primaryContrast = contrastRatio(vars["--brand-primary"]!, vars["--brand-primary-fg"]!);
  const accentContrast = contrastRatio(vars["--brand-accent"]!, vars["--brand-accent-fg"]!);

  return (
    <div>
      {nonce ? <style nonce={nonce} dangerouslySetInnerHTML={{ __html: initialCss }} /> : null}
      <div id={id} ref={ref} data-testid="brand-preview" className="overflow-hidden rounded-xl border border-gray-200 bg-white shadow-sm" aria-label="Live preview of your shop">
        <div className="flex items-center gap-2 border-b border-gray-200 bg-gray-100 px-3 py-2">
          <span aria-hidden className="flex gap-1">
            <span className="h-2.5 w-2.5 rounded-full bg-gray-300" />
            <span className="h-2.5 w-2.5 rounded-full bg-gray-300" />
            <span className="h-2.5 w-2.5 rounded-full bg-gray-300" />
          </span>
          <span className="ml-2 flex min-w-0 items-center gap-1.5 rounded bg-white px-2 py-0.5 font-mono text-[11px] text-gray-500">
            {favicon ? <img src={favicon} alt="" className="h-3.5 w-3.5 shrink-0 object-contain" data-testid="preview-favicon" /> : null}
            <span className="truncate">{address}</span>
          </span>
        </div>
        <div className="font-(family-name:--brand-font)">
          <div className="flex items-center gap-2 bg-(--brand-primary) px-4 py-3 text-(color:--brand-primary-fg)">
            {logo ? <img src={logo} alt="" className="h-7 w-7 rounded object-cover" data-testid="preview-logo" /> : null}
            <span className="truncate text-sm font-bold" data-testid="preview-name">{name}</span>
          </div>
          <div className="p-4">
            <div className="rounded-lg bg-(--brand-primary) px-4 py-8 text-center text-(color:--brand-primary-fg)">
              <p className="text-lg font-extrabold leading-tight">{name}</p>
              {tagline ? <p className="mt-2 text-xs opacity-90">{tagline}</p> : null}
              <span className="mt-4 inline-block rounded-full bg-(--brand-accent) px-4 py-1.5 text-xs font-semibold text-(color:--brand-accent-fg)">Browse the shop</span>
            </div>
            <div className="mt-4 grid grid-cols-3 gap-2" aria-hidden>
              {[0, 1, 2].map((i) => (
                <div key={i} className="space-y-1.5">
                  <div className="aspect-square rounded-md bg-gray-100" />
                  <div className="h-1.5 w-3/4 rounded bg-gray-200" />
                  <div className="h-1.5 w-1/3 rounded bg-(--brand-accent) opacity-70" />
                </div>
              ))}
            </div>
          </div>
          <div className="border-t border-gray-100 px-4 py-3 text-center text-[11px] text-gray-500">
            {email ? <p className="underline">{email}</p> : null}
            {draft.hidePlatformBadge ? null : <p>Powered by Storefront</p>}
          </div>
        </div>
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-2 text-xs text-gray-600">
        <ContrastNote label="Text on primary" ratio={primaryContrast} />
        <ContrastNote label="Text on accent" ratio={accentContrast} />
      </dl>
      <ContrastWarnings primary={vars["--brand-primary"]!} accent={vars["--brand-accent"]!} />
    </div>
  );
}

/**
 * Text on the brand colours is always black or white, whichever reads better, so it always reaches 4.5:1. What a
 * merchant can still get wrong is the accent used as text on the white page (links) and accent buttons that
 * melt into the primary banner; only those are flagged.
 */
function ContrastWarnings({ primary, accent }: { primary: string; accent: string }) {
  const onWhite = contrastRatio(accent, "#ffffff");
  const onPrimary = contrastRatio(accent, primary);
  const warnings = [
    ...(onWhite < 4.5
      ? [`The accent colour on white is ${onWhite.toFixed(1)}:1, below the 4.5:1 WCAG AA minimum for text: links in it would be hard to read. A darker accent fixes this.`]
      : []),
    ...(onPrimary < 1.5
      ? [`The accent and primary colours are nearly the same (${onPrimary.toFixed(1)}:1): accent buttons on the primary banner will barely stand out.`]
      : []),
  ];
  if (!warnings.length) return null;
  return (
    <div role="status" className="mt-2 space-y-1 rounded-md border border-amber-200 bg-amber-50 px-2.5 py-2 text-xs text-amber-900" data-testid="contrast-warning">
      {warnings.map((w) => (
        <p key={w}>{w}</p>
      ))}
    </div>
  );
}

function ContrastNote({ label, ratio }: { label: string; ratio: number }) {
  const ok = ratio >= 4.5;
  return (
    <div className="rounded-md bg-gray-50 px-2.5 py-1.5">
      <dt>{label}</dt>
      <dd className={ok ? "font-medium text-emerald-700" : "font-medium text-amber-700"}>
        {ratio.toFixed(1)}:1 · {ratio >= 7 ? "AAA" : ok ? "AA" : "low contrast"}
      </dd>
    </div>
  );
}
