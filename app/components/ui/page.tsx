import { useCallback, useState, type ReactNode } from "react";

export function PageHeader({ title, description, actions }: { title: ReactNode; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="flex flex-wrap items-end justify-between gap-4">
      <div className="min-w-0">
        <h1 className="text-2xl font-semibold tracking-tight text-gray-900">{title}</h1>
        {description ? <p className="mt-1 text-sm text-gray-600">{description}</p> : null}
      </div>
      {actions ? <div className="flex items-center gap-2">{actions}</div> : null}
    </div>
  );
}

/** A white panel with an optional heading row; the main building block of dashboard pages. */
export function Card({ title, description, actions, children, className = "" }: {
  title?: ReactNode;
  description?: ReactNode;
  actions?: ReactNode;
  children: ReactNode;
  className?: string;
}) {
  return (
    <section className={`rounded-xl border border-gray-200 bg-white shadow-sm ${className}`}>
      {title ? (
        <div className="flex flex-wrap items-start justify-between gap-3 border-b border-gray-100 px-5 py-4">
          <div>
            <h2 className="text-base font-semibold text-gray-900">{title}</h2>
            {description ? <p className="mt-0.5 text-sm text-gray-500">{description}</p> : null}
          </div>
          {actions}
        </div>
      ) : null}
      <div className="px-5 py-4">{children}</div>
    </section>
  );
}

export function EmptyState({ title, description, action }: { title: string; description: ReactNode; action?: ReactNode }) {
  return (
    <div className="rounded-xl border-2 border-dashed border-gray-200 bg-white px-6 py-14 text-center">
      <h2 className="text-lg font-semibold text-gray-900">{title}</h2>
      <p className="mx-auto mt-2 max-w-md text-sm text-gray-600">{description}</p>
      {action ? <div className="mt-6">{action}</div> : null}
    </div>
  );
}

const alertTones = {
  info: "border-indigo-200 bg-indigo-50 text-indigo-900",
  success: "border-emerald-200 bg-emerald-50 text-emerald-900",
  warning: "border-amber-200 bg-amber-50 text-amber-900",
  error: "border-red-200 bg-red-50 text-red-800",
} as const;

export function Alert({ tone = "info", title, children, id }: { tone?: keyof typeof alertTones; title?: ReactNode; children?: ReactNode; id?: string }) {
  return (
    <div id={id} role={tone === "error" ? "alert" : "status"} className={`rounded-lg border px-4 py-3 text-sm ${alertTones[tone]}`}>
      {title ? <p className="font-semibold">{title}</p> : null}
      {children ? <div className={title ? "mt-1" : ""}>{children}</div> : null}
    </div>
  );
}

/** A centred card for signed-out pages (sign in, sign up, invitations). */
export function AuthShell({ title, subtitle, children, footer }: { title: string; subtitle?: ReactNode; children: ReactNode; footer?: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col bg-gray-50">
      <header className="px-6 py-5">
        <a href="/" className="inline-flex items-center gap-2 text-sm font-semibold text-gray-900">
          <span aria-hidden className="grid h-7 w-7 place-items-center rounded-md bg-indigo-600 text-xs font-bold text-white">S</span>
          Storefront
        </a>
      </header>
      <main className="flex flex-1 items-start justify-center px-4 pt-8 pb-16 sm:pt-16">
        <div className="w-full max-w-md">
          <h1 className="text-center text-2xl font-semibold tracking-tight text-gray-900">{title}</h1>
          {subtitle ? <p className="mt-2 text-center text-sm text-gray-600">{subtitle}</p> : null}
          <div className="mt-8 rounded-xl border border-gray-200 bg-white p-6 shadow-sm sm:p-8">{children}</div>
          {footer ? <div className="mt-6 text-center text-sm text-gray-600">{footer}</div> : null}
        </div>
      </main>
    </div>
  );
}

/** Dates as fixed UTC text: the same on the server and in the browser, so hydration never disagrees. */
export function formatDate(iso: string | null | undefined, withTime = true) {
  if (!iso) return "—";
  const s = new Date(iso).toISOString();
  return withTime ? `${s.slice(0, 10)} ${s.slice(11, 16)} UTC` : s.slice(0, 10);
}

/** A "saved" confirmation that shows after each successful save and hides again once the form is edited. */
export function useSavedNotice(actionData: { saved?: boolean } | undefined) {
  // Dismissed for one action data object only, so a second save in a row shows the notice again.
  const [dismissedFor, setDismissedFor] = useState<object | undefined>(undefined);
  const visible = Boolean(actionData?.saved) && dismissedFor !== actionData;
  const dismiss = useCallback(() => setDismissedFor(actionData), [actionData]);
  return { visible, dismiss };
}
