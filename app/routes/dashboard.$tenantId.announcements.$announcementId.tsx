import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { requireTenantRole } from "#app/utils/auth.server.ts";
import { requireParam } from "#app/utils/params.ts";
import { Card, formatDate } from "#app/components/ui/page.tsx";
import { useVisibleInterval } from "#app/components/ui/use-visible-interval.ts";
import { AnnouncementCounts } from "#app/components/customers/announcement-counts.tsx";
import { loadAnnouncement } from "./dashboard.$tenantId.customers.server.ts";

export async function loader({ request, context, params }: LoaderFunctionArgs) {
  const tenantId = requireParam(params, "tenantId");
  await requireTenantRole(request, context, tenantId, { action: "customers.read", operator: false });
  return loadAnnouncement(context, tenantId, requireParam(params, "announcementId"));
}

/** One announcement's progress, polled every 2 s while the bot is still sending (G14-6). */
export default function AnnouncementPage() {
  const a = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const sending = a.telegram.queued + a.telegram.sending > 0;
  useVisibleInterval(() => {
    if (revalidator.state === "idle") revalidator.revalidate();
  }, 2_000, sending);
  return (
    <div className="space-y-6">
      <Link to="../customers" className="text-sm font-medium text-indigo-600">← Customers</Link>
      <Card title="Announcement" description={`Sent ${formatDate(a.createdAt)}${sending ? " · sending…" : ""}`}>
        <p className="mb-4 whitespace-pre-wrap break-words rounded-xl bg-gray-50 p-4 text-sm text-gray-900">{a.body}</p>
        <AnnouncementCounts a={a} />
      </Card>
    </div>
  );
}

export { RouteErrorPanel as ErrorBoundary } from "#app/components/ui/route-error.tsx";
