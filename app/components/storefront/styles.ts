/** Shared class lists for storefront controls, so focus and button styles are the same on every page. */

/** A visible focus ring in the element's own text colour (readable on white and on brand backgrounds). */
export const focusRing = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-current";

/** The main call to action: accent background with its computed readable foreground. */
// Only the filter animates: an opacity transition after hydration enables the button would leave it half-faded for a
// moment (and below contrast) while a screen reader or axe already treats it as enabled.
export const primaryButton =
  `inline-flex items-center justify-center gap-2 rounded-full bg-accent px-6 py-3 font-semibold text-accent-fg shadow-sm transition-[filter] hover:brightness-95 active:brightness-90 disabled:cursor-not-allowed disabled:opacity-50 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-gray-900`;

export const secondaryButton =
  `inline-flex items-center justify-center gap-2 rounded-full border border-gray-300 bg-white px-5 py-2.5 font-semibold text-gray-900 transition hover:border-gray-400 hover:bg-gray-50 ${focusRing}`;

export const textLink = `font-semibold text-ink underline decoration-2 underline-offset-4 hover:decoration-current ${focusRing}`;
