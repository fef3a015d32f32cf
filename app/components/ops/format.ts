/**
 * Times in the console are shown in UTC from ISO strings: the same text on the server and in the browser, so
 * hydration never disagrees and operators in different zones read the same value.
 */
export function formatDateTime(iso: string) {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function formatDate(iso: string) {
  return iso.slice(0, 10);
}

export function humanize(value: string) {
  const text = value.replace(/_/g, " ");
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const UNITS = [
  { ms: 86_400_000, one: "day", many: "days" },
  { ms: 3_600_000, one: "hour", many: "hours" },
  { ms: 60_000, one: "minute", many: "minutes" },
  { ms: 1_000, one: "second", many: "seconds" },
] as const;

/** A configured interval as words ("30 minutes", "1 hour 30 minutes"); at most two units, sub-second parts dropped. */
export function formatInterval(ms: number) {
  const parts: string[] = [];
  let rest = ms;
  for (const u of UNITS) {
    const n = Math.floor(rest / u.ms);
    if (n > 0 && parts.length < 2) parts.push(`${n} ${n === 1 ? u.one : u.many}`);
    rest -= n * u.ms;
  }
  return parts.length ? parts.join(" ") : `${ms} ms`;
}
