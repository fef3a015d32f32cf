/**
 * DOM-3 domain doctor: one specific, plain-English sentence (or two) per problem, in the merchant's terms —
 * which record, what we found, what to change it to.
 */
import { canonicalName } from "./dns.ts";
import type { DomainMode, DomainProblem } from "./verify.ts";

export interface DoctorContext {
  hostname: string;
  mode: DomainMode;
  edgeCnameTarget: string;
  edgeIpv4?: string | string[];
  edgeIpv6?: string | string[];
}

/** Errors that mean the platform's configured resolver itself is unreachable, not the merchant's DNS. */
const RESOLVER_UNREACHABLE = new Set(["ECONNREFUSED", "ECONNRESET", "ENETUNREACH", "EHOSTUNREACH", "EADDRNOTAVAIL"]);

const PROPAGATION = "(DNS changes can take up to an hour to appear)";

function list(v: string | string[] | undefined): string[] {
  return (Array.isArray(v) ? v : v ? [v] : []).map((s) => s.trim()).filter(Boolean);
}

/** "a", "a and b", "a, b and c" */
function and(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`;
}
function quoted(items: string[]): string {
  return and(items.map((v) => `'${v}'`));
}
function plural(n: number, one: string, many: string) {
  return n === 1 ? one : many;
}

/** What to add instead of a CNAME at a root domain. */
function apexAdvice(ctx: DoctorContext, name: string): string {
  const v4 = list(ctx.edgeIpv4);
  const v6 = list(ctx.edgeIpv6);
  const records = [
    ...(v4.length ? [`${plural(v4.length, "an A record", "A records")} with the value ${and(v4)}`] : []),
    ...(v6.length ? [`${plural(v6.length, "an AAAA record", "AAAA records")} with the value ${and(v6)}`] : []),
  ];
  return records.length ? `add ${and(records)} for ${name} instead` : `use a subdomain such as www.${name} instead`;
}

function addressName(code: string) {
  return code.startsWith("aaaa_") ? "AAAA (IPv6)" : "A";
}

export function explainProblem(problem: DomainProblem, ctx: DoctorContext): string {
  const edge = canonicalName(ctx.edgeCnameTarget);
  switch (problem.code) {
    case "txt_missing":
      return `The TXT record ${problem.name} is missing. Add it with the value ${problem.expected} ${PROPAGATION}.`;

    case "txt_mismatch":
      return (
        `${problem.name} has a TXT record, but its value is different: found ${quoted(problem.found)}, ` +
        `expected '${problem.expected}'. Change the value to exactly ${problem.expected}.`
      );

    case "cname_missing": {
      const there = [...problem.foundA, ...problem.foundAaaa];
      const records = `${plural(there.length, "address record", "address records")} ${and(there)}`;
      const instead = there.length ? ` (it has the ${records} instead)` : "";
      const remove = there.length ? ` and remove the ${records} (a name with a CNAME cannot have other records)` : "";
      return `${problem.name} has no CNAME record${instead}. Add a CNAME record for ${problem.name} pointing to ${problem.expected}${remove} ${PROPAGATION}.`;
    }

    case "cname_elsewhere": {
      const via = problem.chain.length > 1 ? ` (which leads on to ${problem.chain.slice(1).join(" → ")})` : "";
      const dangling = problem.dangling ? `, a name that does not exist in DNS` : "";
      return `${problem.name} points to ${problem.target}${via}${dangling}; change its CNAME to ${problem.expected}.`;
    }

    case "cname_chain_too_long":
      return (
        `${problem.name} goes through ${problem.chain.length} or more CNAME records (${[problem.name, ...problem.chain].join(" → ")}) ` +
        `without reaching ${problem.expected}; point its CNAME straight at ${problem.expected}.`
      );

    case "cname_at_apex":
      if (problem.mode === "apex" || problem.found) {
        return (
          `${problem.name} is a root domain and has a CNAME record (to ${problem.found ?? "another name"}), which DNS does not allow ` +
          `there and which breaks email and other records for the domain; remove the CNAME and ${apexAdvice(ctx, problem.name)}.`
        );
      }
      return (
        `${problem.name} is a root domain, where DNS does not allow a CNAME record; switch this domain to the root-domain (apex) setup and ` +
        `${apexAdvice(ctx, problem.name)}, or use a subdomain such as www.${problem.name} with a CNAME to ${edge}.`
      );

    case "a_missing":
    case "aaaa_missing": {
      const what = addressName(problem.code);
      const partial = problem.missing.length < problem.expected.length;
      return (
        `${problem.name} ${partial ? `is missing the ${what} record` : `has no ${what} record`}` +
        `${partial ? plural(problem.missing.length, "", "s") + " " + and(problem.missing) : ""}. ` +
        `Add ${plural(problem.missing.length, `an ${what} record`, `${what} records`)} with the value ${and(problem.missing)} ${PROPAGATION}.`
      );
    }

    case "a_elsewhere":
    case "aaaa_elsewhere": {
      const what = addressName(problem.code);
      return (
        `${problem.name} has ${plural(problem.found.length, `an ${what} record`, `${what} records`)} ${and(problem.found)} ` +
        `pointing to another server; change ${plural(problem.found.length, "it", "them")} to ${and(problem.expected)}.`
      );
    }

    case "a_stray":
    case "aaaa_stray": {
      const what = addressName(problem.code);
      const family = problem.code === "a_stray" ? "IPv4" : "IPv6";
      const record = `${plural(problem.stray.length, `an ${what} record`, `${what} records`)} ${and(problem.stray)}`;
      if (!problem.expected.length) {
        return (
          `${problem.name} has ${record} pointing to another server; remove ${plural(problem.stray.length, "it", "them")}, ` +
          `or visitors using ${family} will reach that server instead of your shop.`
        );
      }
      return (
        `${problem.name} has ${record} besides ours (${and(problem.expected)}); remove ${plural(problem.stray.length, "it", "them")}, ` +
        `or some visitors will be sent to the other server.`
      );
    }

    case "caa_forbids": {
      const n = problem.found.length;
      const scope =
        problem.name === canonicalName(ctx.hostname) ? "" : ` (${plural(n, "it also applies", "they also apply")} to ${canonicalName(ctx.hostname)})`;
      return (
        `${problem.name} has ${plural(n, "a CAA record", "CAA records")} ${quoted(problem.found)}${scope} ` +
        `that ${plural(n, "does", "do")} not allow our certificate authority, so we cannot get an HTTPS certificate for your shop; ` +
        `add a CAA record ${problem.name} 0 issue "${problem.allowed[0]}" next to ${plural(n, "it", "them")}, or remove ${plural(n, "it", "them")}.`
      );
    }

    case "nxdomain":
      return (
        `${problem.name} does not exist in DNS (NXDOMAIN). Check the spelling, that the domain is registered, and that you are ` +
        `adding the records at the DNS provider its name servers point to.`
      );

    case "dns_timeout":
      return (
        `The DNS server for ${problem.zone} did not answer (timeout) when we looked up ${and(problem.names)}. ` +
        `This is often temporary and we will check again automatically; if it keeps happening, ask your DNS provider to check the domain's name servers.`
      );

    case "dns_error":
      if (RESOLVER_UNREACHABLE.has(problem.error)) {
        return (
          `We could not reach our own DNS resolver (${problem.error}) to look up ${and(problem.names)}. This is a problem on our side, ` +
          `not with your DNS; we will check again automatically.`
        );
      }
      return (
        `The DNS server for ${problem.zone} returned an error (${problem.error}) when we looked up ${and(problem.names)}. ` +
        `We will check again automatically; if it keeps happening, ask your DNS provider to check the domain's name servers.`
      );
  }
}

/** One sentence per problem, in the order given. */
export function explainProblems(problems: DomainProblem[], ctx: DoctorContext): string[] {
  return problems.map((p) => explainProblem(p, ctx));
}
