export * from './message-plan.entity';
export * from './message.entity';
export * from './send-ledger.entity';
export * from './action-token-use.entity';
export * from './check-in-answer.entity';
