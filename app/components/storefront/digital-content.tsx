/**
 * The buyer's digital content on the order page (ADR 039): licence keys, links and the file's download link (signed,
 * expiring, counted). On escrow the content stays closed until the buyer opens it: that confirms delivery and lets
 * the shop be paid, so the button says so.
 */
import { Form, useNavigation } from "@remix-run/react";
import type { BuyerOrderPage } from "#app/routes/orders.$token.server.ts";
import { primaryButton, secondaryButton, textLink } from "./styles.ts";

const sizeText = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

export function DigitalContent({ content, error }: { content: BuyerOrderPage["digital"]; error: string | null }) {
  const opening = useNavigation().formData?.get("intent") === "open-digital";
  if (content.state === "none") return null;
  return (
    <section aria-labelledby="digital-heading" className="mt-8 rounded-3xl bg-gray-50 p-6 ring-1 ring-gray-200" data-testid="digital-content">
      <h2 id="digital-heading" className="text-lg font-semibold text-ink">Your downloads</h2>
      {content.state === "closed" ? <p className="mt-2 text-gray-700">This order's content is no longer available.</p> : null}
      {content.state === "locked" ? (
        <Form method="post" className="mt-3 space-y-3">
          <p className="text-gray-700">
            {content.lines.map((l) => l.title).join(", ")} {content.lines.length === 1 ? "is" : "are"} ready. Opening the content confirms
            you received it, and the shop is then paid from escrow.
          </p>
          <button type="submit" name="intent" value="open-digital" disabled={opening} className={primaryButton}>Open my content</button>
        </Form>
      ) : null}
      {content.state === "open" ? (
        <ul className="mt-3 space-y-4">
          {content.lines.map((l, i) => (
            <li key={i} className="space-y-2">
              <p className="font-semibold text-ink">{l.title}</p>
              {l.refunded ? <p className="text-sm text-gray-700" data-testid="digital-refunded">Refunded: this item&apos;s content is no longer available.</p> : null}
              {l.keys.map((k) => (
                <p key={k} className="font-mono text-sm break-all rounded-lg bg-white px-3 py-2 ring-1 ring-gray-200" data-testid="licence-key">{k}</p>
              ))}
              {l.linkUrl ? <p><a href={l.linkUrl} rel="noreferrer noopener" target="_blank" className={textLink}>Open the link</a></p> : null}
              {l.file ? (
                <p className="flex flex-wrap items-center gap-3">
                  {l.file.downloads < l.file.downloadLimit ? (
                    <a href={l.file.url} download className={secondaryButton} data-testid="digital-download">Download {l.file.name}</a>
                  ) : null}
                  <span className="text-sm text-gray-600">
                    {sizeText(l.file.size)} · {l.file.downloadLimit - l.file.downloads} of {l.file.downloadLimit} downloads left
                  </span>
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      ) : null}
      {error ? <p role="alert" className="mt-3 font-semibold text-red-800">{error}</p> : null}
    </section>
  );
}
