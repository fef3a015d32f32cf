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
