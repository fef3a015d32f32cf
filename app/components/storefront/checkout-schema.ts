import { z } from "zod";
// policy.ts is free of server-only imports, so the rail enum can validate in the browser too.
import { PAYMENT_RAILS } from "#server/tenancy/shared.ts";

const text = (missing: string, max: number) => z.string({ error: missing }).trim().max(max, `Use at most ${max} characters.`);
const optionalText = (max: number) => z.string().trim().max(max, `Use at most ${max} characters.`).optional();

const shippingFieldsSchema = z.object({
  name: text("Enter the recipient’s name.", 120),
  line1: text("Enter the street address.", 200),
  line2: optionalText(200),
  city: text("Enter the city.", 100),
  region: optionalText(100),
  postalCode: text("Enter the postal code.", 20),
  country: z.string({ error: "Choose the country." }).trim().regex(/^[A-Za-z]{2}$/, "Choose the country."),
});

/**
 * The form as typed (shared by browser and server). The money core validates the same body again and enforces
 * the PAY-3 acknowledgement itself, so that error always comes from the server.
 */
export const checkoutFormSchema = (needsShipping: boolean) =>
  z.object({
    cart: z.string({ error: "Your cart is empty." }),
    idempotencyKey: z.string({ error: "This page is out of date. Reload it and try again." }),
    email: z.email({ error: (iss) => (iss.input === undefined ? "Enter your email address." : "Enter a valid email address, like you@example.com.") }).max(254),
    rail: z.enum(PAYMENT_RAILS, { error: "Choose how you’d like to pay." }),
    acknowledgeNoEscrow: z.boolean().default(false),
    marketingOptIn: z.boolean().default(false),
    locale: z.string().max(35).optional(),
    // Optional, not bare z.undefined(): conform's zod adapter wraps a missing field as non-optional, so a digital
    // cart's absent address would fail validation on a field the page never renders (issue 21).
    shippingAddress: needsShipping ? shippingFieldsSchema : z.undefined().optional(),
    /** The shipping method's id only; the server prices it (ADR 035). */
    shippingMethodId: z.string().max(40).optional(),
    /** A digital cart's country, for tax. */
    country: z.string().max(2).optional(),
  });
