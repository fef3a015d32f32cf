/**
 * The shipping & tax editor (ADR 045). The draft lives in React state and is sent whole as JSON (`settings`) with the
 * version it replaces; the browser checks it with the API's schema first, and the server checks it again, so both
 * show the same errors beside the same fields.
 */
import { Form, useNavigation, useSubmit } from "@remix-run/react";
import { useMemo, useState } from "react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button, ReloadLink } from "#app/components/ui/button.tsx";
import { FormErrors } from "#app/components/ui/field.tsx";
import { Alert, EmptyState } from "#app/components/ui/page.tsx";
import { checkShippingDocument, emptyZone, fromDraft, type DraftErrors, type ShippingDraft } from "./draft.ts";
import { TaxCard } from "./tax-card.tsx";
import type { CountryOption } from "./country-list-picker.tsx";
import { ZoneCard } from "./zone-card.tsx";

export interface ShippingReply { saved: boolean; errors: DraftErrors | null }

export function ShippingEditor({ initial, version, currency, categories, canEdit, countries, reply }: {
  initial: ShippingDraft; version: number; currency: string; categories: string[]; canEdit: boolean; countries: readonly CountryOption[]; reply: ShippingReply | undefined;
}) {
  const [draft, setDraft] = useState(initial);
  const [loaded, setLoaded] = useState({ initial, version });
  const [localErrors, setLocalErrors] = useState<DraftErrors | null>(null);
  const [replySeen, setReplySeen] = useState(reply);
  if (loaded.initial !== initial || loaded.version !== version) {
    // Saved (or reloaded): the server's document is the truth again.
    setLoaded({ initial, version });
    setDraft(initial);
  }
  if (replySeen !== reply) {
    setReplySeen(reply);
    setLocalErrors(null);
  }
  const errors = localErrors ?? reply?.errors ?? {};
  const submit = useSubmit();
  const busy = useNavigation().state === "submitting";
  // Which zone holds each country, to mark it in the other zones' pickers.
  const owners = useMemo(() => draft.zones.map((_, i) => new Map(draft.zones.flatMap((z, j) => (j === i ? [] : z.countries.map((c) => [c, z.name || `Zone ${j + 1}`] as const))))), [draft.zones]);

  const onSubmit = (e: React.FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const checked = checkShippingDocument(fromDraft(draft, version));
    if (checked.errors) return setLocalErrors(checked.errors);
    setLocalErrors(null);
    const data = new FormData(e.currentTarget);
    data.set("settings", JSON.stringify(fromDraft(draft, version)));
    submit(data, { method: "post" });
  };
  const edit = (next: ShippingDraft) => { setDraft(next); setReplySeen(undefined); };
  const count = Object.keys(errors).length;

  return (
    <Form method="post" onSubmit={onSubmit} className="space-y-6" noValidate>
      <CsrfInput />
      {!canEdit ? <Alert tone="info">Only owners, managers and finance can change shipping and tax. You are seeing them read-only.</Alert> : null}
      {replySeen?.saved && reply?.saved ? <Alert tone="success" title="Shipping and tax saved">Checkout uses them right away.</Alert> : null}
      {count ? <FormErrors errors={errors[""] ?? [`Check the ${count === 1 ? "highlighted field" : `${count} highlighted fields`}.`]} action={errors[""] ? <ReloadLink /> : undefined} /> : null}
      <fieldset disabled={!canEdit} className="min-w-0 space-y-6">
        {draft.zones.length === 0 ? (
          <EmptyState title="No shipping zones" description="Without zones the shop ships everywhere at no charge. Add a zone to charge for shipping; then only its countries can check out." />
        ) : null}
        {draft.zones.map((z, i) => (
          <ZoneCard
            key={z.id} zone={z} index={i} currency={currency} countryOptions={countries} elsewhere={owners[i]!} errors={errors}
            onChange={(next) => edit({ ...draft, zones: draft.zones.map((x, j) => (j === i ? next : x)) })}
            onRemove={() => edit({ ...draft, zones: draft.zones.filter((_, j) => j !== i) })}
          />
        ))}
        <Button type="button" variant="secondary" onClick={() => edit({ ...draft, zones: [...draft.zones, emptyZone(draft.zones.map((z) => z.id))] })}>Add shipping zone</Button>
        <TaxCard draft={draft} categories={categories} countryOptions={countries} errors={errors} onChange={edit} />
      </fieldset>
      {canEdit ? (
        <div className="flex justify-end">
          <Button type="submit" disabled={busy}>{busy ? "Saving…" : "Save shipping and tax"}</Button>
        </div>
      ) : null}
    </Form>
  );
}
