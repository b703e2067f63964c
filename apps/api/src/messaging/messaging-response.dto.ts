import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CHECK_IN_KINDS, MESSAGE_ANCHORS, MESSAGE_CHANNELS, MESSAGE_KINDS } from '@chairtime/domain';
import { MESSAGE_VIEW_STATUSES } from '@chairtime/messaging';
import { arrayOf, INSTANT, text } from '../http/page.dto';

const PURPOSES = ['confirm-ride', 'confirm-attendance', 'check-in-answer', 'claim-waitlist-offer'];

export class MessagePlanEntryDto {
  @ApiProperty({ enum: MESSAGE_KINDS }) kind!: string;
  @ApiProperty({ ...arrayOf(text(100), 20), description: 'Visit kinds the entry applies to' }) visitKinds!: string[];
  @ApiProperty({
    type: String,
    maxLength: 40,
    pattern: '^[+-]?P',
    example: '-PT72H',
    description: 'Signed ISO 8601 duration from the anchor',
  })
  offset!: string;
  @ApiProperty({ enum: MESSAGE_ANCHORS }) anchor!: string;
  @ApiPropertyOptional({ enum: MESSAGE_CHANNELS, description: "Forces a channel; absent = the patient's contact preference" })
  channel?: string;
}

export class MessageViewDto {
  @ApiProperty({ enum: MESSAGE_KINDS }) kind!: string;
  @ApiProperty(text(20, { example: 'sms', description: 'sms, email, or the fallback channel (e.g. log)' })) channel!: string;
  @ApiProperty(INSTANT) sendAt!: string;
  @ApiProperty({
    enum: MESSAGE_VIEW_STATUSES,
    description:
      '`scheduled` until it ends (also while its provider call is under way); `expired`: its not-after passed before it could go out',
  })
  status!: string;
  @ApiPropertyOptional(INSTANT) sentAt?: string;
  @ApiProperty({ ...INSTANT, description: 'never sent at or after this instant' }) notAfter!: string;
  @ApiPropertyOptional(
    text(50, {
      description:
        'why it failed or expired, or `timeout` / `attempt-lost` on a `sent` one whose delivery is unconfirmed (a code, no provider text)',
    }),
  )
  error?: string;
}

export class CheckInFieldDto {
  @ApiProperty(text(50, { example: 'feeling' })) field!: string;
  @ApiProperty({ enum: ['integer', 'integer-list', 'choice-list', 'boolean'] }) type!: string;
  @ApiProperty() required!: boolean;
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 0, maximum: 100 }) min?: number;
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 0, maximum: 100 }) max?: number;
  @ApiPropertyOptional({ type: 'integer', format: 'int32', minimum: 1, maximum: 100, description: 'Exact number of integers' })
  length?: number;
  @ApiPropertyOptional({ ...arrayOf(text(100), 50), description: 'Allowed values, each at most once' }) options?: string[];
  @ApiPropertyOptional({ ...arrayOf(text(100), 20), description: 'Meaning of the integer values, lowest first' }) scale?: string[];
}

export class CheckInFormDto {
  @ApiPropertyOptional({ enum: ['PHQ-9'] }) instrument?: string;
  @ApiProperty({ type: [CheckInFieldDto], maxItems: 20 }) fields!: CheckInFieldDto[];
}

export class CheckInDescriptionDto {
  @ApiProperty({ enum: CHECK_IN_KINDS }) kind!: string;
  @ApiProperty({ type: CheckInFormDto }) form!: CheckInFormDto;
}

/** What a one-tap link does: nothing that identifies the patient. */
export class ActionDescriptionDto {
  @ApiProperty({ enum: PURPOSES }) purpose!: string;
  @ApiProperty({ ...INSTANT, description: 'Start of the visit (or offered time) the link is about' }) startsAt!: string;
  @ApiProperty(INSTANT) expiresAt!: string;
  @ApiProperty({ description: 'The link was already used' }) used!: boolean;
  @ApiPropertyOptional({ type: CheckInDescriptionDto, description: 'check-in-answer links: the questions and their ranges' })
  checkIn?: CheckInDescriptionDto;
}

export class CrisisResourcesDto {
  @ApiProperty({ enum: ['988'] }) call!: string;
  @ApiProperty({ enum: ['911'] }) emergency!: string;
}

export class ActionResultDto {
  @ApiProperty({ enum: PURPOSES }) purpose!: string;
  @ApiProperty({ enum: [true] }) done!: boolean;
  @ApiPropertyOptional({ type: CrisisResourcesDto, description: 'The answer raised the safety escalation: show these at once' })
  crisisResources?: CrisisResourcesDto;
}

export class InboundSmsResultDto {
  @ApiProperty({ description: 'The message was understood (e.g. a ride reply) and acted on' }) handled!: boolean;
}
