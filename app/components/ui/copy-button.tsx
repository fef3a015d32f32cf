import { useEffect, useState } from "react";
import { Button } from "./button.tsx";

/** Copies `value` to the clipboard; the label confirms for two seconds. */
export function CopyButton({ value, label = "Copy" }: { value: string; label?: string }) {
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
        // The Clipboard API exists only in secure contexts (not on a plain-http dev host): say so instead of throwing.
        if (!navigator.clipboard) return setState("failed");
        navigator.clipboard.writeText(value).then(
          () => setState("copied"),
          () => setState("failed"),
        );
      }}
    >
      <span aria-live="polite">{state === "copied" ? "Copied" : state === "failed" ? "Select and copy" : label}</span>
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
