export * from './waitlist-fit';
