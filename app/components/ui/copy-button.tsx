import { useEffect, useState } from "react";
import { Button } from "./button.tsx";

/**
 * The Clipboard API exists only in secure contexts; elsewhere (a phone on a plain-http dev host, an old WebView)
 * the legacy copy command on a selected off-screen textarea still works.
 */
function legacyCopy(value: string) {
  const area = document.createElement("textarea");
  area.value = value;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  area.setSelectionRange(0, value.length);
  try {
    return document.execCommand("copy");
  } catch {
    return false;
  } finally {
    area.remove();
  }
}

/** Copies `value` to the clipboard; the label confirms for two seconds. */
/** `what` names the value for screen readers ("Copy reference") while the visible text stays short. */
export function CopyButton({ value, label = "Copy", what }: { value: string; label?: string; what?: string }) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  useEffect(() => {
    if (state === "idle") return;
    const t = setTimeout(() => setState("idle"), 2000);
    return () => clearTimeout(t);
  }, [state]);
  return (
    <Button
      variant="secondary"
      size="sm"
      onClick={() => {
        const fallback = () => setState(legacyCopy(value) ? "copied" : "failed");
        if (!navigator.clipboard) return fallback();
        navigator.clipboard.writeText(value).then(() => setState("copied"), fallback);
      }}
    >
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Select and copy" : label}</span>
      {what ? <span className="sr-only"> {what}</span> : null}
    </Button>
  );
}

/** A secret shown exactly once (API token, invitation link), with a copy button and a warning. */
export function SecretReveal({ title, value, note }: { title: string; value: string; note: string }) {
  return (
    <div role="status" className="rounded-lg border border-amber-300 bg-amber-50 p-4">
      <p className="text-sm font-semibold text-amber-900">{title}</p>
      <p className="mt-1 text-sm text-amber-800">{note}</p>
      <div className="mt-3 flex items-center gap-2">
        <code data-testid="secret-value" className="min-w-0 flex-1 truncate rounded-md border border-amber-200 bg-white px-3 py-2 font-mono text-sm text-gray-900 select-all">
          {value}
        </code>
        <CopyButton value={value} />
      </div>
    </div>
  );
}
