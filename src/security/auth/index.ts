export { type ProvisionedToken, type SecurityConfig, securitySchema } from './config.js';
export {
  CSRF_COOKIE,
  CSRF_HEADER,
  installAuth,
  locatedPaths,
  parseCookies,
  requireInScope,
  SESSION_COOKIE,
  setSessionCookies,
  visibleTo,
} from './hook.js';
export { hashPassword, verifyPassword } from './passwords.js';
export { AuthService, type AuthServiceOptions, type TokenView, type UserView } from './service.js';
export { installSecurityHeaders, isLoopback, tlsKeyPair, wantsHttps } from './transport.js';
