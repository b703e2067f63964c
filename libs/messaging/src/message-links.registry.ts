import { Injectable } from '@nestjs/common';
import type { MessageKind } from '@chairtime/domain';

/**
 * Issues the one-tap link of messages of a kind another module owns (the waitlist's offers): that
 * module's tables decide whether what the message offers still stands.
 */
export interface MessageLinkSource {
  /** The link's path, or null when the message must not go out (what it offered is gone). */
  link(messageId: string, now: number): Promise<string | null>;
}

/**
 * The {@link MessageLinkSource}s, registered by their modules at init, so the send handler can
 * link their messages without messaging depending on those modules (as `ActionService.delegate`
 * does for the actions the links lead to).
 */
@Injectable()
export class MessageLinks {
  private readonly sources = new Map<MessageKind, MessageLinkSource>();

  register(kind: MessageKind, source: MessageLinkSource): void {
    this.sources.set(kind, source);
  }

  /** Whether a module issues the links of this kind (the worker must have the waitlist's). */
  has(kind: MessageKind): boolean {
    return this.sources.has(kind);
  }

  /** The link of a message of a registered kind (null: do not send it); undefined for other kinds. */
  link(kind: MessageKind, messageId: string, now: number): Promise<string | null> | undefined {
    return this.sources.get(kind)?.link(messageId, now);
  }
}
