export * from './waitlist-entry.entity';
export * from './freed-chair-time.entity';
export * from './waitlist-offer.entity';
