import type { TenantRole } from "@prisma/client";
import { ROLE } from "#server/auth/shared.ts";

const tones = {
  gray: "bg-gray-100 text-gray-700 ring-gray-500/20",
  green: "bg-emerald-50 text-emerald-700 ring-emerald-600/20",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/20",
  red: "bg-red-50 text-red-700 ring-red-600/20",
  indigo: "bg-indigo-50 text-indigo-700 ring-indigo-600/20",
} as const;
export type BadgeTone = keyof typeof tones;

export function Badge({ tone = "gray", children }: { tone?: BadgeTone; children: React.ReactNode }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tones[tone]}`}>{children}</span>
  );
}

const STATUS: Record<string, { tone: BadgeTone; label: string }> = {
  pending: { tone: "amber", label: "Pending review" },
  active: { tone: "green", label: "Live" },
  suspended: { tone: "red", label: "Suspended" },
  closed: { tone: "gray", label: "Closed" },
};

/** A shop's lifecycle status as a coloured pill. */
export function StatusBadge({ status }: { status: string }) {
  const s = STATUS[status] ?? { tone: "gray" as const, label: status };
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

export const ROLE_LABELS: Record<string, string> = {
  owner: "Owner",
  manager: "Manager",
  finance: "Finance",
  support: "Support",
  developer: "Developer",
} satisfies Record<TenantRole, string>;

export function RoleBadge({ role }: { role: string }) {
  return <Badge tone={role === ROLE.owner ? "indigo" : "gray"}>{ROLE_LABELS[role] ?? role}</Badge>;
}
