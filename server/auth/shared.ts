/** Browser-safe part of auth: the sign-in/sign-up/token form schemas and the permission table. */
export {
  signUpSchema, signInSchema, apiTokenCreateSchema, emailSchema, newPasswordSchema, passwordChangeSchema, signOutEverywhereSchema,
  passwordResetRequestSchema, passwordResetConfirmSchema, accountLinkTokenSchema, emailVerifySchema,
} from "./schemas.ts";
export { TENANT_ROLES, ROLE, allowedRoles, can, rolesFor, type TenantAction } from "./permissions.ts";
