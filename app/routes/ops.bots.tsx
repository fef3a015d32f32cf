import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useNavigation } from "@remix-run/react";
import { requireOperator } from "#app/utils/auth.server.ts";
import { BotHealthTable } from "#app/components/ops/bot-health.tsx";
import { Card, EmptyState, PageHeader } from "#app/components/ops/layout.tsx";
import { BOT_HEALTH_LIMIT, loadBotHealth } from "./ops.bots.server.ts";

export const meta: MetaFunction = () => [{ title: "Bot health · Operator console" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireOperator(request, context);
  const onlyProblems = new URL(request.url).searchParams.get("problems") === "1";
  const health = await loadBotHealth(context.services.prisma, { onlyProblems });
  return { ...health, onlyProblems };
}

function FilterLink({ to, active, children }: { to: string; active: boolean; children: React.ReactNode }) {
  return (
    <Link
      to={to}
      aria-current={active ? "page" : undefined}
      className={`rounded-md px-3 py-1.5 text-sm font-medium ${active ? "bg-white text-gray-900 shadow-xs ring-1 ring-gray-200" : "text-gray-600 hover:text-gray-900"}`}
    >
      {children}
    </Link>
  );
}

export default function BotHealth() {
  const { bots, total, problems, now, onlyProblems } = useLoaderData<typeof loader>();
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location.pathname === "/ops/bots";
  return (
    <div className="space-y-5">
      <PageHeader
        title="Bot health"
        description="Every shop's Telegram bot. An active bot with no update from Telegram for over 4 hours is flagged stale: its webhook may be broken."
      />
      <div className="flex flex-wrap items-center justify-between gap-3">
        <nav aria-label="Filter bots" className="inline-flex gap-1 rounded-lg bg-gray-100 p-1">
          <FilterLink to="/ops/bots" active={!onlyProblems}>All bots</FilterLink>
          <FilterLink to="/ops/bots?problems=1" active={onlyProblems}>
            Only problems
            <span className={`ml-1.5 rounded-full px-1.5 py-0.5 text-xs ${problems ? "bg-rose-600 text-white" : "bg-gray-200 text-gray-600"}`}>{problems}</span>
          </FilterLink>
        </nav>
        <p className="text-sm text-gray-500">
          {total} {total === 1 ? "bot" : "bots"}
          {total > BOT_HEALTH_LIMIT ? ` · showing the first ${BOT_HEALTH_LIMIT}` : ""}
        </p>
      </div>
      <Card className={loading ? "opacity-60 transition-opacity" : "transition-opacity"}>
        {bots.length === 0 ? (
          <EmptyState title={onlyProblems ? "No problems" : "No bots yet"}>
            {onlyProblems ? "Every bot is answering and none has a recorded error." : "Bots appear here when shops connect one in their dashboard."}
          </EmptyState>
        ) : (
          <BotHealthTable bots={bots} now={now} showTenant />
        )}
      </Card>
    </div>
  );
}
