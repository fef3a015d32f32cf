import { humanize } from "./format.ts";

const STATUS_STYLES: Record<string, string> = {
  active: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  pending: "bg-amber-50 text-amber-800 ring-amber-600/20",
  suspended: "bg-rose-50 text-rose-700 ring-rose-600/20",
  closed: "bg-gray-100 text-gray-600 ring-gray-500/20",
};

const STATUS_DOTS: Record<string, string> = {
  active: "bg-emerald-500",
  pending: "bg-amber-500",
  suspended: "bg-rose-500",
  closed: "bg-gray-400",
};

export function TenantStatusBadge({ status }: { status: string }) {
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${STATUS_STYLES[status] ?? STATUS_STYLES.closed}`}
    >
      <span aria-hidden className={`size-1.5 rounded-full ${STATUS_DOTS[status] ?? STATUS_DOTS.closed}`} />
      {humanize(status)}
    </span>
  );
}

export function Pill({ children, tone = "gray" }: { children: React.ReactNode; tone?: "gray" | "indigo" | "violet" }) {
  const tones = {
    gray: "bg-gray-50 text-gray-700 ring-gray-500/20",
    indigo: "bg-indigo-50 text-indigo-700 ring-indigo-600/20",
    violet: "bg-violet-50 text-violet-700 ring-violet-600/20",
  };
  return <span className={`inline-flex items-center rounded-md px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset ${tones[tone]}`}>{children}</span>;
}

export function ActorKindBadge({ kind }: { kind: string }) {
  return <Pill tone={kind === "operator" ? "violet" : kind === "token" ? "indigo" : "gray"}>{kind}</Pill>;
}

const METHOD_STYLES: Record<string, string> = {
  get: "bg-sky-50 text-sky-700 ring-sky-600/20",
  post: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  put: "bg-violet-50 text-violet-700 ring-violet-600/20",
  patch: "bg-amber-50 text-amber-800 ring-amber-600/20",
  delete: "bg-rose-50 text-rose-700 ring-rose-600/20",
};

export function MethodBadge({ method }: { method: string }) {
  return (
    <span
      className={`inline-flex w-16 justify-center rounded-md px-1.5 py-0.5 font-mono text-xs font-semibold uppercase ring-1 ring-inset ${METHOD_STYLES[method] ?? METHOD_STYLES.get}`}
    >
      {method}
    </span>
  );
}

/** Whether a shop's owner has confirmed their email (shown where an operator decides on activation). */
export function OwnerEmailBadge({ verified }: { verified: boolean }) {
  return verified ? (
    <span data-testid="owner-email-verified" className="inline-flex items-center rounded-md bg-emerald-50 px-1.5 py-0.5 text-xs font-medium text-emerald-700 ring-1 ring-inset ring-emerald-200">Email verified</span>
  ) : (
    <span data-testid="owner-email-unverified" className="inline-flex items-center rounded-md bg-amber-50 px-1.5 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-inset ring-amber-200">Email not verified</span>
  );
}
