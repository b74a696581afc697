/**
 * Signs the session cookie and the sign-in state cookie. Only outside production, and only when
 * SESSION_SECRET is unset (config demands it in production).
 */
export const DEVELOPMENT_SESSION_SECRET = 'jml-development-session-secret-not-for-production';
