/**
 * Authentication moved to ../auth/session-auth.guard.ts (issue 5): the same guard now accepts
 * the login session cookie as well as the bearer token. These names stay for the controllers
 * that import them from here.
 */
export {
  ROLES_KEY,
  Roles,
  CurrentUser,
  SessionAuthGuard as BearerAuthGuard,
  type AuthedRequest,
} from '../auth/session-auth.guard';
