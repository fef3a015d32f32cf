/** The dashboard's pause/resume toggle (ADR 032), kept out of the browser bundle. */
export { acceptingOrders, setAcceptingOrders } from "#server/tenancy/index.ts";
