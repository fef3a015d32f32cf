/**
 * The item page's "Digital delivery" section (ADR 039): the file buyers download (sent straight to the API as a
 * stream, so 200 MB never passes through a form post), licence keys pasted one per line, a link, and the download
 * limit per order line.
 */
import { useState } from "react";
import { Form, useNavigation, useRevalidator } from "@remix-run/react";
import { CsrfInput } from "#app/components/csrf-input.tsx";
import { Button } from "#app/components/ui/button.tsx";
import { inputClass } from "#app/components/ui/field.tsx";
import { Alert, Card } from "#app/components/ui/page.tsx";

export interface DigitalSettingsView {
  itemId: string;
  stock: number | null;
  file: { name: string; size: number } | null;
  linkUrl: string | null;
  downloadLimit: number;
  keys: { free: number; drawn: number };
}

const MAX_BYTES = 200 * 1024 * 1024;
const sizeText = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

function FileUpload({ uploadUrl, file }: { uploadUrl: string; file: DigitalSettingsView["file"] }) {
  const revalidator = useRevalidator();
  const [state, setState] = useState<{ busy: boolean; error: string | null; done: boolean }>({ busy: false, error: null, done: false });
  async function send(f: File) {
    if (f.size > MAX_BYTES) return setState({ busy: false, error: `The file is ${sizeText(f.size)}; the limit is 200 MB.`, done: false });
    setState({ busy: true, error: null, done: false });
    try {
      const res = await fetch(uploadUrl, { method: "PUT", body: f, headers: { "content-type": "application/octet-stream", "x-file-name": encodeURIComponent(f.name) } });
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      if (!res.ok) return setState({ busy: false, error: body?.error?.message ?? `Upload failed (${res.status}).`, done: false });
      setState({ busy: false, error: null, done: true });
      revalidator.revalidate();
    } catch {
      setState({ busy: false, error: "The upload was interrupted. Try again.", done: false });
    }
  }
  return (
    <div className="space-y-2">
      <p className="text-sm font-medium text-gray-900">File</p>
      <p className="text-sm text-gray-600" data-testid="digital-file">
        {file ? <>Buyers download <strong>{file.name}</strong> ({sizeText(file.size)}).</> : "No file yet."}
      </p>
      <input
        type="file" aria-label="Upload the file buyers download" disabled={state.busy}
        className="block text-sm text-gray-700 file:mr-3 file:rounded-md file:border-0 file:bg-gray-100 file:px-3 file:py-2 file:text-sm file:font-medium"
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          if (f) void send(f);
        }}
      />
      <p className="text-xs text-gray-500">Up to 200 MB. Orders already paid keep the file they were sold with.</p>
      {state.busy ? <p className="text-sm text-gray-600">Uploading…</p> : null}
      {state.done ? <p className="text-sm text-green-700">File uploaded.</p> : null}
      {state.error ? <p className="text-sm text-red-600" role="alert">{state.error}</p> : null}
    </div>
  );
}

export type DigitalResult = { error?: string | null; keysAdded?: number; keysSkipped?: number; saved?: boolean } | null;

export function DigitalDeliveryCard({ settings, uploadUrl, result }: { settings: DigitalSettingsView; uploadUrl: string; result?: DigitalResult }) {
  const busy = useNavigation().formData?.get("intent");
  return (
    <Card title="Digital delivery" description="What a buyer gets once the order is paid: a file, a licence key, a link — any of them.">
      <div className="space-y-6 px-5 py-4">
        {result?.error ? <Alert tone="error" title="Not saved">{result.error}</Alert> : null}
        <FileUpload uploadUrl={uploadUrl} file={settings.file} />
        <Form method="post" className="space-y-2">
          <CsrfInput />
          <input type="hidden" name="intent" value="digital-keys" />
          <label htmlFor="digital-keys" className="block text-sm font-medium text-gray-900">Licence keys</label>
          <p className="text-sm text-gray-600" data-testid="digital-key-pool">
            {settings.keys.free} unused · {settings.keys.drawn} given to buyers
            {settings.keys.free + settings.keys.drawn > 0 ? " — each paid order gets its own key; the unused keys are this item's stock." : ""}
          </p>
          <textarea id="digital-keys" name="keys" rows={4} className={`${inputClass} font-mono`} placeholder={"One key per line\nAAAA-BBBB-CCCC\nDDDD-EEEE-FFFF"} />
          {result?.keysAdded !== undefined ? (
            <p className="text-sm text-green-700">{result.keysAdded} key{result.keysAdded === 1 ? "" : "s"} added{result.keysSkipped ? `, ${result.keysSkipped} already in the pool` : ""}.</p>
          ) : null}
          <Button type="submit" variant="secondary" disabled={busy === "digital-keys"}>Add keys</Button>
        </Form>
        <Form method="post" className="grid gap-3 sm:grid-cols-[1fr_10rem_auto] sm:items-end">
          <CsrfInput />
          <input type="hidden" name="intent" value="digital-settings" />
          <label className="block text-sm font-medium text-gray-900">
            Link (https)
            <input name="linkUrl" type="url" defaultValue={settings.linkUrl ?? ""} placeholder="https://" className={`${inputClass} mt-1`} />
          </label>
          <label className="block text-sm font-medium text-gray-900">
            Downloads per order
            <input name="downloadLimit" type="number" min={1} max={100} required defaultValue={settings.downloadLimit} className={`${inputClass} mt-1`} />
          </label>
          <Button type="submit" variant="secondary" disabled={busy === "digital-settings"}>Save</Button>
          {result?.saved ? <p className="text-sm text-green-700 sm:col-span-3">Saved.</p> : null}
        </Form>
      </div>
    </Card>
  );
}
