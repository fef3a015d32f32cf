import { json, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useParams } from "@remix-run/react";
import { getFormProps, getInputProps, getTextareaProps, useForm } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod/v4";
import { z } from "zod";
import type { ImportReport } from "#server/catalog/index.ts";
import { MAX_IMPORT_ROWS, parseCatalogCsv } from "#app/components/catalog/import.server.ts";
import { auditActor, requireTenantRole } from "#app/utils/auth.server.ts";
import { requireCsrf } from "#app/utils/csrf.server.ts";
import { replyWithApiError } from "#app/utils/api-error.server.ts";
import { formTooLarge } from "#app/components/catalog/uploads.server.ts";
import { CSV_COLUMNS, CSV_EXAMPLE } from "#app/components/catalog/csv-example.ts";
import { formatBytes } from "#app/components/catalog/media.ts";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button, buttonClass } from "#app/components/ui/button.tsx";
import { FieldErrors, FormErrors, inputClass } from "#app/components/ui/field.tsx";
import { Alert, Card } from "#app/components/ui/page.tsx";
import { requireParam } from "#app/utils/params.ts";
import { tenantCurrency } from "#app/utils/tenant.server.ts";

/** As the JSON import endpoint accepts. */
const MAX_CSV_BYTES = 1024 * 1024;

const importSchema = z
  .object({
    intent: z.enum(["check", "import"]),
    file: z.file().max(MAX_CSV_BYTES, `The file is larger than ${formatBytes(MAX_CSV_BYTES)}; split it into smaller files.`).optional(),
    text: z.string().max(MAX_CSV_BYTES, `Paste at most ${formatBytes(MAX_CSV_BYTES)}; split the rows into several imports.`).optional(),
  })
  .refine((v) => v.file || v.text?.trim(), { path: ["file"], message: "Choose a CSV file, or paste the rows below." });

export const meta: MetaFunction = () => [{ title: "Import items — Storefront" }];

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "catalog.edit", operator: false });
  const currency = await tenantCurrency(context.services.prisma, tenantId);
  return { currency, maxRows: MAX_IMPORT_ROWS };
}

type Outcome = { kind: "invalid" | "checked" | "imported"; report: ImportReport } | null;

export async function action({ request, context, params }: ActionFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "catalog.edit", operator: false });
  const tooLarge = formTooLarge(request, 2 * MAX_CSV_BYTES);
  if (tooLarge) return json({ result: null, outcome: null as Outcome, tooLarge }, { status: 413 });
  const formData = await request.formData();
  requireCsrf(formData, context);
  const submission = parseWithZod(formData, { schema: importSchema });
  if (submission.status !== "success") return json({ result: submission.reply(), outcome: null as Outcome, tooLarge: null }, { status: 400 });
  const { intent, file, text } = submission.value;
  // A chosen file wins over pasted text.
  const parsed = parseCatalogCsv(file ? await file.text() : (text ?? ""));
  const invalid = (report: ImportReport) => json({ result: submission.reply(), outcome: { kind: "invalid", report } as Outcome, tooLarge: null }, { status: 400 });
  if (parsed.report.errors.length) return invalid(parsed.report);
  // "Check" fetches no image: each is downloaded once, on import.
  if (intent === "check") return json({ result: submission.reply(), outcome: { kind: "checked", report: parsed.report } as Outcome, tooLarge: null });
  try {
    const report = await context.services.catalog.import(auditActor(context), tenantId, parsed);
    if (report.errors.length) return invalid(report);
    return json({ result: submission.reply({ resetForm: true }), outcome: { kind: "imported", report } as Outcome, tooLarge: null });
  } catch (err) {
    return json({ result: replyWithApiError(submission, err), outcome: null as Outcome, tooLarge: null }, { status: 400 });
  }
}

function ReportView({ outcome }: { outcome: NonNullable<Outcome> }) {
  const { report } = outcome;
  const catalogPath = `/dashboard/${useParams().tenantId}/catalog`;
  if (outcome.kind === "imported") {
    return (
      <Alert tone="success" title={`${report.imported} ${report.imported === 1 ? "item" : "items"} imported`}>
        <p>
          They are in your catalog now. <Link to={catalogPath} className="font-medium underline">See the catalog</Link>
        </p>
      </Alert>
    );
  }
  if (outcome.kind === "checked") {
    return (
      <Alert tone="success" title={`All ${report.total} ${report.total === 1 ? "row is" : "rows are"} ready`}>
        Nothing has been imported yet. Press “Import” to add {report.total === 1 ? "it" : "them"} to your catalog.
      </Alert>
    );
  }
  return (
    <div role="alert" className="overflow-hidden rounded-xl border border-red-200 bg-white shadow-sm" data-testid="import-report">
      <div className="border-b border-red-100 bg-red-50 px-4 py-3 text-sm text-red-900">
        <p className="font-semibold">
          {report.errors.length} {report.errors.length === 1 ? "row needs" : "rows need"} fixing{report.total ? ` (of ${report.total})` : ""}. Nothing was imported.
        </p>
        <p className="mt-0.5 text-red-800">Fix them in your file and check again; the import takes every row or none. Rows are numbered as in your file, the header being row 1.</p>
      </div>
      <table className="min-w-full divide-y divide-gray-100 text-sm">
        <thead className="bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500">
          <tr>
            <th scope="col" className="w-24 px-4 py-2">Row</th>
            <th scope="col" className="px-4 py-2">What to fix</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100">
          {report.errors.map((e) => (
            <tr key={e.row} className="align-top">
              <td className="px-4 py-2.5 font-mono tabular-nums text-gray-700">{e.row === 0 ? "File" : e.row}</td>
              <td className="px-4 py-2.5 text-gray-900">
                <ul className="space-y-0.5">
                  {e.messages.map((m) => (
                    <li key={m}>{m}</li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function ImportPage() {
  const { currency, maxRows } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const pending = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  const tenantId = useParams().tenantId!;
  const [form, fields] = useForm({
    id: "catalog-import",
    lastResult: actionData?.result,
    constraint: getZodConstraint(importSchema),
    shouldValidate: "onSubmit",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: importSchema }),
  });
  const { key: fileKey, ...fileProps } = getInputProps(fields.file, { type: "file" });
  const { key: textKey, ...textProps } = getTextareaProps(fields.text);
  const fileErrors = [...(fields.file.errors ?? []), ...(actionData?.tooLarge ? [actionData.tooLarge] : [])];

  return (
    <div className="space-y-5">
      <div>
        <Link to={`/dashboard/${tenantId}/catalog`} className="text-sm font-medium text-gray-500 hover:text-gray-800">← Catalog</Link>
        <h2 className="mt-1 text-lg font-semibold text-gray-900">Import items from a spreadsheet</h2>
        <p className="mt-0.5 text-sm text-gray-600">Save your sheet as CSV, check it, then import. Every row is added, or none is.</p>
      </div>
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-5">
        <div className="space-y-5 lg:col-span-3">
          <Card>
            <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="space-y-5">
              <CsrfInput />
              <FormErrors id={form.errorId} errors={form.errors} />
              <div>
                <label htmlFor={fields.file.id} className="block text-sm font-medium text-gray-800">CSV file</label>
                <input
                  key={fileKey}
                  {...fileProps}
                  accept=".csv,text/csv"
                  className="mt-1.5 block w-full text-sm text-gray-600 file:mr-3 file:cursor-pointer file:rounded-md file:border file:border-gray-300 file:bg-white file:px-3 file:py-1.5 file:text-sm file:font-medium file:text-gray-800 file:shadow-xs hover:file:bg-gray-50"
                />
                <p className="mt-1.5 text-xs text-gray-500">Up to {formatBytes(MAX_CSV_BYTES)} and {maxRows.toLocaleString("en")} rows, UTF-8.</p>
                <FieldErrors id={fields.file.errorId} errors={fileErrors.length ? fileErrors : undefined} />
              </div>
              <details className="group rounded-lg border border-gray-200 open:bg-gray-50/50" open={Boolean(fields.text.initialValue)}>
                <summary className="cursor-pointer select-none px-3 py-2 text-sm font-medium text-gray-700">…or paste the rows</summary>
                <div className="px-3 pb-3">
                  <label htmlFor={fields.text.id} className="sr-only">CSV rows</label>
                  <textarea key={textKey} {...textProps} rows={8} spellCheck={false} placeholder={CSV_EXAMPLE.split("\n").slice(0, 3).join("\n")} className={`${inputClass} font-mono text-xs`} />
                  <p className="mt-1.5 text-xs text-gray-500">Start with the header row. A chosen file is used instead of pasted rows.</p>
                  <FieldErrors id={fields.text.errorId} errors={fields.text.errors} />
                </div>
              </details>
              <div className="flex flex-wrap items-center justify-end gap-3">
                <Button type="submit" name="intent" value="check" variant="secondary" disabled={Boolean(pending)}>
                  {pending === "check" ? "Checking…" : "Check"}
                </Button>
                <Button type="submit" name="intent" value="import" disabled={Boolean(pending)}>
                  {pending === "import" ? "Importing…" : "Import"}
                </Button>
              </div>
            </Form>
          </Card>
          {actionData?.outcome ? <ReportView outcome={actionData.outcome} /> : null}
        </div>
        <aside className="space-y-5 lg:col-span-2">
          <Card
            title="Columns"
            description="The first row names them; any order. Only title and price are required."
            actions={
              <a href={`/dashboard/${tenantId}/catalog/example.csv`} download="catalog-example.csv" className={buttonClass("secondary", "sm")}>
                Download example
              </a>
            }
          >
            <dl className="divide-y divide-gray-100 text-sm">
              {CSV_COLUMNS.map((c) => (
                <div key={c.name} className="flex gap-3 py-2 first:pt-0 last:pb-0">
                  <dt className="w-24 shrink-0">
                    <code className="font-mono text-xs font-semibold text-gray-900">{c.name}</code>
                    {c.required ? <span className="ml-1 text-xs text-red-600" title="required">*</span> : null}
                  </dt>
                  <dd className="text-gray-600">{c.name === "price" ? `${c.text} In ${currency}.` : c.text}</dd>
                </div>
              ))}
            </dl>
          </Card>
          <Card title="Example">
            <pre className="-mx-1 overflow-x-auto rounded-md bg-gray-900 p-3 font-mono text-[11px] leading-relaxed text-gray-100">{CSV_EXAMPLE}</pre>
          </Card>
        </aside>
      </div>
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
