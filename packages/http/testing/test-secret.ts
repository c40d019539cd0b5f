/** The BETTER_AUTH_SECRET of every test app and service the tests start, and of the tokens they mint. */
export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';
