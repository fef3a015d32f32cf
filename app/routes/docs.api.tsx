import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requirePlatformHost } from "#app/utils/auth.server.ts";
import { apiReference, type ApiOperation } from "#app/components/ops/api-reference.server.ts";
import { MethodBadge, Pill } from "#app/components/ops/badges.tsx";
import { buttonClass } from "#app/components/ops/layout.tsx";

export const meta: MetaFunction = () => [
  { title: "API reference · Storefront platform" },
  { name: "description", content: "The control-plane JSON API: accounts, shops, team, payment policy and operator endpoints." },
];

export async function loader({ context }: LoaderFunctionArgs) {
  requirePlatformHost(context);
  return apiReference();
}

export default function ApiDocs() {
  const { title, version, groups } = useLoaderData<typeof loader>();
  const count = groups.reduce((n, g) => n + g.operations.length, 0);
  return (
    <div className="min-h-screen bg-gray-50 font-sans text-gray-900">
      <header className="sticky top-0 z-10 border-b border-gray-200 bg-white/95 backdrop-blur">
        <div className="mx-auto flex max-w-7xl items-center justify-between gap-4 px-4 py-3 sm:px-6 lg:px-8">
          <div className="flex items-center gap-3">
            <Link to="/" className="grid size-7 place-items-center rounded-md bg-gray-900 text-xs font-bold text-white" aria-label="Home">
              SP
            </Link>
            <div className="leading-tight">
              <p className="text-sm font-semibold">API reference</p>
              <p className="text-xs text-gray-500">
                {title} · v{version}
              </p>
            </div>
          </div>
          <a href="/api/openapi.json" className={buttonClass.secondary}>
            OpenAPI JSON
          </a>
        </div>
      </header>

      <div className="mx-auto flex max-w-7xl gap-8 px-4 py-8 sm:px-6 lg:px-8">
        <nav aria-label="Endpoints" className="sticky top-20 hidden max-h-[calc(100vh-6rem)] w-64 shrink-0 overflow-y-auto pb-8 lg:block">
          <a href="#overview" className="block rounded px-2 py-1 text-sm font-medium text-gray-700 hover:bg-gray-100">
            Overview
          </a>
          {groups.map((g) => (
            <div key={g.tag} className="mt-4">
              <a href={`#tag-${g.tag}`} className="block px-2 text-xs font-semibold uppercase tracking-wide text-gray-500 hover:text-gray-900">
                {g.title}
              </a>
              <ul className="mt-1 space-y-0.5">
                {g.operations.map((op) => (
                  <li key={op.id}>
                    <a href={`#${op.id}`} className="flex items-center gap-2 rounded px-2 py-1 text-xs text-gray-600 hover:bg-gray-100 hover:text-gray-900">
                      <span className="w-10 shrink-0 font-mono text-[10px] font-semibold uppercase text-gray-400">{op.method}</span>
                      <span className="truncate">{op.summary}</span>
                    </a>
                  </li>
                ))}
              </ul>
            </div>
          ))}
        </nav>

        <main className="min-w-0 flex-1 space-y-10">
          <section id="overview" className="scroll-mt-20 rounded-lg border border-gray-200 bg-white p-6 shadow-xs">
            <h1 className="text-2xl font-semibold tracking-tight">Control-plane API</h1>
            <p className="mt-2 max-w-3xl text-sm text-gray-600">
              Everything the dashboard does is available as JSON over HTTPS: {count} endpoints under <code className="font-mono">/api</code> on the
              platform host (shop domains do not serve them). The machine-readable{" "}
              <a href="/api/openapi.json" className="font-medium text-gray-900 underline underline-offset-2">
                OpenAPI 3.1 document
              </a>{" "}
              is generated from the same definitions as the server, so it cannot drift from it.
            </p>
            <div className="mt-6 grid gap-4 md:grid-cols-3">
              <Fact title="Authentication">
                Send a personal API token as <code className="font-mono text-xs">Authorization: Bearer sfp_…</code> (create one in the dashboard), or use the
                browser session cookie. Cookie-authenticated writes must be <code className="font-mono text-xs">application/json</code>.
              </Fact>
              <Fact title="Responses">
                Success is <code className="font-mono text-xs">{`{ "success": true, "data": … }`}</code>. Errors are{" "}
                <code className="font-mono text-xs">{`{ "success": false, "error": { "code", "message", "details"? } }`}</code> with a matching HTTP status.
              </Fact>
              <Fact title="Limits">
                Bodies are JSON, at most 1 MB. Rate-limited calls answer <code className="font-mono text-xs">429 RATE_LIMITED</code> with a{" "}
                <code className="font-mono text-xs">Retry-After</code> header.
              </Fact>
            </div>
          </section>

          {groups.map((g) => (
            <section key={g.tag} id={`tag-${g.tag}`} className="scroll-mt-20">
              <div className="mb-4">
                <h2 className="text-lg font-semibold tracking-tight">{g.title}</h2>
                {g.blurb ? <p className="mt-0.5 text-sm text-gray-600">{g.blurb}</p> : null}
              </div>
              <div className="space-y-4">
                {g.operations.map((op) => (
                  <OperationCard key={op.id} op={op} />
                ))}
              </div>
            </section>
          ))}
        </main>
      </div>
    </div>
  );
}

function Fact({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <div className="rounded-md bg-gray-50 p-4 ring-1 ring-inset ring-gray-200">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-gray-500">{title}</h3>
      <p className="mt-2 text-sm leading-relaxed text-gray-700">{children}</p>
    </div>
  );
}

function PathText({ path }: { path: string }) {
  return (
    <code className="font-mono text-sm break-all text-gray-900">
      {path.split(/(\{[^}]+\})/).map((part, i) =>
        part.startsWith("{") ? (
          <span key={i} className="text-indigo-600">
            {part}
          </span>
        ) : (
          part
        ),
      )}
    </code>
  );
}

function OperationCard({ op }: { op: ApiOperation }) {
  return (
    <article id={op.id} className="scroll-mt-20 overflow-hidden rounded-lg border border-gray-200 bg-white shadow-xs">
      <div className="flex flex-wrap items-center gap-3 border-b border-gray-100 px-4 py-3">
        <MethodBadge method={op.method} />
        <PathText path={op.path} />
        <span className="ml-auto font-mono text-xs text-gray-400">→ {op.status}</span>
      </div>
      <div className="space-y-4 px-4 py-4">
        <div>
          <h3 className="text-sm font-semibold text-gray-900">{op.summary}</h3>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-gray-600">
            {op.isPublic ? <Pill>Public</Pill> : <Pill tone="indigo">Auth</Pill>}
            <span>{op.auth}</span>
          </p>
        </div>
        {op.params.length ? (
          <div className="overflow-x-auto rounded-md ring-1 ring-gray-200">
            <table className="min-w-full table-fixed divide-y divide-gray-200 text-sm">
              <colgroup>
                <col className="w-36" />
                <col className="w-16" />
                <col className="w-36" />
                <col className="w-20" />
                <col />
              </colgroup>
              <thead className="bg-gray-50">
                <tr>
                  {["Parameter", "In", "Type", "Required", "Notes"].map((h) => (
                    <th key={h} scope="col" className="px-3 py-2 text-left text-xs font-medium uppercase tracking-wide text-gray-500">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody className="divide-y divide-gray-100">
                {op.params.map((p) => (
                  <tr key={`${p.in}:${p.name}`}>
                    <td className="px-3 py-2 font-mono text-xs font-medium break-all text-gray-900">{p.name}</td>
                    <td className="px-3 py-2 text-xs text-gray-600">{p.in}</td>
                    <td className="px-3 py-2 font-mono text-xs text-gray-700">{p.type}</td>
                    <td className="px-3 py-2 text-xs">{p.required ? <span className="font-medium text-gray-900">yes</span> : <span className="text-gray-400">no</span>}</td>
                    <td className="px-3 py-2 text-xs text-gray-600">{p.notes || <span className="text-gray-300">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {op.body ? (
          <div>
            <h4 className="text-xs font-semibold uppercase tracking-wide text-gray-500">
              Request body <span className="font-normal normal-case tracking-normal text-gray-400">{op.bodyType} · JSON Schema</span>
            </h4>
            <pre className="mt-2 max-h-96 overflow-auto rounded-md bg-gray-950 p-3 font-mono text-xs leading-relaxed text-gray-100">{op.body}</pre>
          </div>
        ) : null}
      </div>
    </article>
  );
}
