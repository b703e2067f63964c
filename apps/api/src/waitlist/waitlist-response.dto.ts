import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INSTANT, PageOf, UUID } from '../http/page.dto';
import { AppointmentDto } from '../scheduling/scheduling-response.dto';

export class WaitlistOfferDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) entryId!: string;
  @ApiProperty({ ...UUID, description: 'The visit the offer would move' }) appointmentId!: string;
  @ApiProperty({ ...INSTANT, description: 'The chair time offered' }) startsAt!: string;
  @ApiProperty(UUID) chairId!: string;
  @ApiProperty({ ...INSTANT, description: 'Claimable until then' }) expiresAt!: string;
  @ApiProperty({ enum: ['offered', 'claimed', 'gone', 'expired'] }) status!: string;
}

export class WaitlistEntryDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) clinicId!: string;
  @ApiProperty(UUID) patientId!: string;
  @ApiProperty(UUID) courseId!: string;
  @ApiProperty(INSTANT) earliest!: string;
  @ApiProperty(INSTANT) latest!: string;
  @ApiProperty({ enum: ['waiting', 'offered', 'fulfilled', 'withdrawn'] }) status!: string;
  @ApiProperty(INSTANT) createdAt!: string;
}

export class WaitlistEntryWithOffersDto extends WaitlistEntryDto {
  @ApiPropertyOptional({ type: [WaitlistOfferDto], maxItems: 1000 }) offers?: WaitlistOfferDto[];
}

export class OfferClaimDto {
  @ApiProperty({ type: WaitlistOfferDto }) offer!: WaitlistOfferDto;
  @ApiProperty({ type: AppointmentDto, description: 'The visit, moved to the offered time' }) appointment!: AppointmentDto;
}

export const WaitlistEntryPage = PageOf(WaitlistEntryDto);
