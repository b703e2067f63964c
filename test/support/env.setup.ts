// Integration and e2e tests need the run's database and Redis; `npm test` provides them.
if (!process.env.DATABASE_URL || !process.env.REDIS_URL) {
  throw new Error('run integration and e2e tests through `npm test` (it prepares DATABASE_URL, REDIS_URL and QUEUE_PREFIX)');
}
