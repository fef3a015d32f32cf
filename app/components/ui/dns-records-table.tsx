import { CopyButton } from "./copy-button.tsx";

/**
 * The DNS records a merchant creates at their DNS provider, one row each, with the value ready to copy. Names are
 * shown in full (some providers want only the part before the zone; the help text under the table says so).
 */
export function DnsRecordsTable({ records, caption }: { records: Array<{ type: string; name: string; value: string }>; caption: string }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-gray-200">
      <table className="min-w-full divide-y divide-gray-200 text-sm" data-testid="dns-records">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-gray-50 text-left text-xs font-medium uppercase tracking-wide text-gray-500">
          <tr>
            <th scope="col" className="px-3 py-2">Type</th>
            <th scope="col" className="px-3 py-2">Name</th>
            <th scope="col" className="px-3 py-2">Value</th>
            <th scope="col" className="px-3 py-2"><span className="sr-only">Copy</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-gray-100 bg-white">
          {records.map((r) => (
            <tr key={`${r.type} ${r.name} ${r.value}`} data-testid="dns-record" className="align-middle">
              <td className="px-3 py-2 font-mono text-xs font-semibold text-gray-900" data-field="type">{r.type}</td>
              <td className="px-3 py-2 font-mono text-xs break-all text-gray-800" data-field="name">{r.name}</td>
              <td className="px-3 py-2 font-mono text-xs break-all text-gray-800 select-all" data-field="value">{r.value}</td>
              <td className="px-3 py-2 text-right">
                <CopyButton value={r.value} label="Copy" />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
