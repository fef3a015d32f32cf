/** Browser-safe part of auth: the sign-in/sign-up/token form schemas and the tenant roles. */
export { signUpSchema, signInSchema, apiTokenCreateSchema, emailSchema, newPasswordSchema } from "./schemas.ts";
export { TENANT_ROLES } from "./roles.ts";
