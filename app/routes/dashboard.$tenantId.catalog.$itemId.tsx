import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError, rethrowAsResponse } from "#app/utils/api-error.server.ts";
import { formatAmount } from "#server/catalog/shared.ts";
import { UPLOAD_LIMITS, discardUploads, formTooLarge, saveUploads } from "#app/components/catalog/uploads.server.ts";
import { ItemEditor } from "#app/components/catalog/item-form.tsx";
import { itemDefaults, itemEditFormSchema, itemInput } from "#app/components/catalog/item-form-schema.ts";
import { ItemStatusBadge } from "#app/components/catalog/item-status.tsx";
import { dashboardMediaUrl } from "#app/components/catalog/media.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { Alert, Card, formatDate, useSavedNotice } from "#app/components/ui/page.tsx";
import { requireParam } from "#app/utils/params.ts";
import { DigitalDeliveryCard, type DigitalResult } from "#app/components/catalog/digital-delivery.tsx";
import { DIGITAL_INTENTS, digitalAction, digitalSection } from "#app/components/catalog/digital-delivery.server.ts";
import { tenantCurrency } from "#app/utils/tenant.server.ts";

/** A post with images may carry a few of them; more than this is refused before it is read (Express sets no limit). */
const MAX_FORM_BYTES = 12 * 1024 * 1024;

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data ? `${data.item.title} — Storefront` : "Item — Storefront" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "catalog.edit", operator: false });
  const itemId = requireParam(params, "itemId", z.uuid(), "No such item.");
  const [item, currency, categories] = await Promise.all([
    context.services.catalog.get(tenantId, itemId, { forBuyers: false }).catch(rethrowAsResponse),
    tenantCurrency(context.services.prisma, tenantId),
    context.services.catalog.categories(tenantId, { forBuyers: false }),
  ]);
  const digital = await digitalSection(context, tenantId, itemId, item.kind);
  return {
    digital,
    item: {
      ...item,
      price: formatAmount(item.price, currency),
      archivedAt: item.archivedAt?.toISOString() ?? null,
      createdAt: item.createdAt.toISOString(),
      updatedAt: item.updatedAt.toISOString(),
    },
    thumbs: Object.fromEntries(item.images.map((i) => [i.uploadId, dashboardMediaUrl(tenantId, i.url)])),
    currency,
    categories: categories.map((c) => c.name),
    maxImageBytes: UPLOAD_LIMITS.item_image,
    created: new URL(request.url).searchParams.has("created"),
  };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "catalog.edit", operator: false });
  const itemId = requireParam(params, "itemId", z.uuid(), "No such item.");
  const tooLarge = formTooLarge(request, MAX_FORM_BYTES);
  if (tooLarge) return json({ result: null, uploadError: tooLarge as string | null, saved: false, archived: false }, { status: 413 });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const { catalog } = context.services;

  const intent = String(formData.get("intent") ?? "");
  if ((DIGITAL_INTENTS as readonly string[]).includes(intent)) {
    return json({ result: null, uploadError: null, saved: false, archived: false, digital: await digitalAction(context, tenantId, itemId, intent, formData) });
  }
  if (formData.get("intent") === "archive") {
    await catalog.archive(auditActor(context), tenantId, itemId).catch(rethrowAsResponse);
    return json({ result: null, uploadError: null, saved: false, archived: true });
  }

  const submission = parseWithZod(formData, { schema: itemEditFormSchema });
  if (submission.status !== "success") return json({ result: submission.reply(), uploadError: null, saved: false, archived: false }, { status: 400 });
  const saved = await saveUploads(context, tenantId, "item_image", submission.value.image);
  if (!saved.ok) {
    return json({ result: submission.reply({ fieldErrors: { image: [saved.message] } }), uploadError: null, saved: false, archived: false }, { status: 400 });
  }
  const { imageIds, ...fields } = itemInput(submission.value);
  try {
    await catalog.update(auditActor(context), tenantId, itemId, {
      ...fields,
      version: submission.value.version,
      imageIds: [...imageIds, ...saved.uploads.map((u) => u.id)],
    });
  } catch (err) {
    await discardUploads(context, tenantId, saved.uploads.map((u) => u.id));
    return json({ result: replyWithApiError(submission, err, { UPLOAD_NOT_FOUND: "image" }), uploadError: null, saved: false, archived: false }, { status: 400 });
  }
  return json({ result: submission.reply(), uploadError: null, saved: true, archived: false });
}

export default function EditItemPage() {
  const { item, thumbs, currency, categories, maxImageBytes, created, digital } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const savedNotice = useSavedNotice(actionData);
  const location = useLocation();
  const archiving = useNavigation().formData?.get("intent") === "archive";
  const catalogPath = location.pathname.replace(/\/[^/]+$/, "");
  const showCreated = created && !actionData;
  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div className="min-w-0">
          <Link to={catalogPath} className="text-sm font-medium text-gray-500 hover:text-gray-800">← Catalog</Link>
          <div className="mt-1 flex flex-wrap items-center gap-2">
            <h2 className="truncate text-lg font-semibold text-gray-900" data-testid="item-title">{item.title}</h2>
            <ItemStatusBadge item={item} />
          </div>
        </div>
        <p className="text-xs text-gray-500">
          Added {formatDate(item.createdAt, false)} · last changed {formatDate(item.updatedAt)}
        </p>
      </div>
      {showCreated ? <Alert tone="success" title="Item created">Add more images or details any time; buyers see changes right away.</Alert> : null}
      {savedNotice.visible ? <Alert tone="success" title="Item saved">Buyers see the changes right away.</Alert> : null}
      {item.archivedAt ? (
        <Alert tone="warning" title="This item is archived">
          Buyers cannot see it and it is kept for order history. Tick “Visible to buyers” and save to bring it back.
        </Alert>
      ) : null}
      {/* Keyed on the version: after a save the form starts again from what was stored (new images included). */}
      <ItemEditor
        key={item.version}
        mode="edit"
        version={item.version}
        defaultValue={itemDefaults(item)}
        lastResult={actionData?.saved || actionData?.archived || (actionData && "digital" in actionData) ? undefined : actionData?.result}
        categories={categories}
        currency={currency}
        thumbs={thumbs}
        maxImageBytes={maxImageBytes}
        uploadError={actionData?.uploadError}
        cancelTo={catalogPath}
        onChange={savedNotice.dismiss}
      />
      {digital ? <DigitalDeliveryCard settings={digital.settings} uploadUrl={digital.uploadUrl} result={actionData && "digital" in actionData ? (actionData.digital as DigitalResult) : null} /> : null}
      {item.archivedAt ? null : (
        <Card title="Archive" description="Archived items disappear from your shop and the Active list but stay in past orders.">
          <Form
            method="post"
            onSubmit={(e) => {
              if (!window.confirm(`Archive “${item.title}”? Buyers will no longer see it.`)) e.preventDefault();
            }}
          >
            <CsrfInput />
            <input type="hidden" name="intent" value="archive" />
            <Button type="submit" variant="danger" disabled={archiving}>{archiving ? "Archiving…" : "Archive item"}</Button>
          </Form>
        </Card>
      )}
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
