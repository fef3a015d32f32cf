import { json, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useParams } from "@remix-run/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { UPLOAD_LIMITS, discardUploads, formTooLarge, saveUploads } from "#app/components/catalog/uploads.server.ts";
import { ItemEditor } from "#app/components/catalog/item-form.tsx";
import { itemCreateFormSchema, itemDefaults, itemInput } from "#app/components/catalog/item-form-schema.ts";
import { requireParam } from "#app/utils/params.ts";
import { tenantCurrency } from "#app/utils/tenant.server.ts";

/** A post with images may carry a few of them; more than this is refused before it is read (Express sets no limit). */
const MAX_FORM_BYTES = 12 * 1024 * 1024;

export const meta: MetaFunction = () => [{ title: "New item — Storefront" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "catalog.edit", operator: false });
  const [currency, categories] = await Promise.all([
    tenantCurrency(context.services.prisma, tenantId),
    context.services.catalog.categories(tenantId, { forBuyers: false }),
  ]);
  return { currency, categories: categories.map((c) => c.name), maxImageBytes: UPLOAD_LIMITS.item_image };
}

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "catalog.edit", operator: false });
  const tooLarge = formTooLarge(request, MAX_FORM_BYTES);
  if (tooLarge) return json({ result: null, uploadError: tooLarge as string | null }, { status: 413 });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: itemCreateFormSchema });
  if (submission.status !== "success") return json({ result: submission.reply(), uploadError: null }, { status: 400 });

  const saved = await saveUploads(context, tenantId, "item_image", submission.value.image);
  if (!saved.ok) return json({ result: submission.reply({ fieldErrors: { image: [saved.message] } }), uploadError: null }, { status: 400 });
  const input = itemInput(submission.value);
  let item;
  try {
    item = await context.services.catalog.create(auditActor(context), tenantId, { ...input, imageIds: [...input.imageIds, ...saved.uploads.map((u) => u.id)] });
  } catch (err) {
    await discardUploads(context, tenantId, saved.uploads.map((u) => u.id));
    return json({ result: replyWithApiError(submission, err, { UPLOAD_NOT_FOUND: "image" }), uploadError: null }, { status: 400 });
  }
  return redirect(`/dashboard/${tenantId}/catalog/${item.id}?created=1`);
}

export default function NewItemPage() {
  const { currency, categories, maxImageBytes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const catalogPath = `/dashboard/${useParams().tenantId}/catalog`;
  return (
    <div className="space-y-5">
      <div>
        <Link to={catalogPath} className="text-sm font-medium text-gray-500 hover:text-gray-800">← Catalog</Link>
        <h2 className="mt-1 text-lg font-semibold text-gray-900">New item</h2>
      </div>
      <ItemEditor
        mode="create"
        defaultValue={itemDefaults()}
        lastResult={actionData?.result}
        categories={categories}
        currency={currency}
        thumbs={{}}
        maxImageBytes={maxImageBytes}
        uploadError={actionData?.uploadError}
        cancelTo={catalogPath}
      />
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
