/** Input schemas shared by the JSON API and the dashboard forms. */
import { z } from "zod";

export const emailSchema = z
  .string()
  .trim()
  .max(254)
  .pipe(z.email({ message: "Enter a valid email address." }))
  .transform((s) => s.toLowerCase());

export const newPasswordSchema = z
  .string()
  .min(10, "Use at least 10 characters.")
  .max(200, "Use at most 200 characters.");

export const signUpSchema = z.object({
  email: emailSchema,
  password: newPasswordSchema,
  displayName: z.string().trim().min(1).max(80).optional(),
});

export const signInSchema = z.object({
  email: emailSchema,
  // No length rule on sign-in beyond a cap: old passwords must keep working if the policy changes.
  password: z.string().min(1, "Enter your password.").max(200),
});

/** Change the password while signed in: every other session ends; API tokens too when asked. */
export const passwordChangeSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password.").max(200),
    newPassword: newPasswordSchema,
    revokeApiTokens: z.boolean().default(false),
  })
  .refine((v) => v.newPassword !== v.currentPassword, { path: ["newPassword"], message: "Choose a password different from the current one." });

/** "Sign out everywhere": every other session ends; API tokens too when asked. */
export const signOutEverywhereSchema = z.object({ revokeApiTokens: z.boolean().default(false) });

export const apiTokenCreateSchema = z.object({
  name: z.string().trim().min(1, "Give the token a name.").max(60),
  expiresInDays: z.coerce.number().int().min(1).max(365).optional(),
});

/** "Forgot password?": the answer is the same whether or not the email has an account (ADR 030). */
export const passwordResetRequestSchema = z.object({ email: emailSchema });

/** The link's token: opaque, base64url (newSecret). */
export const accountLinkTokenSchema = z.string().trim().regex(/^[A-Za-z0-9_-]{20,100}$/, "This link is not complete. Open it from the email again.");

/** A new password from a reset link: the same rules as at sign-up. */
export const passwordResetConfirmSchema = z.object({ token: accountLinkTokenSchema, password: newPasswordSchema });

export const emailVerifySchema = z.object({ token: accountLinkTokenSchema });
