// Integration and e2e tests start real apps against real Postgres and Redis: give them room.
jest.setTimeout(process.env.JEST_FAULTS ? 180_000 : 30_000);
