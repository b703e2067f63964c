import { applyDecorators, Type } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiOkResponse,
  ApiProperty,
  ApiPropertyOptions,
  ApiResponseOptions,
  ApiSchema,
  getSchemaPath,
} from '@nestjs/swagger';

/** Reusable property options, so every id, instant and date is typed the same way. */
export const UUID: ApiPropertyOptions = { type: String, format: 'uuid', maxLength: 36 };
export const INSTANT: ApiPropertyOptions = { type: String, format: 'date-time', maxLength: 40, example: '2027-03-02T14:00:00.000Z' };
export const DATE: ApiPropertyOptions = { type: String, format: 'date', maxLength: 10, example: '2027-03-02' };
export const WALL_TIME: ApiPropertyOptions = {
  type: String,
  pattern: '^([01]\\d|2[0-3]):[0-5]\\d$|^24:00$',
  maxLength: 5,
  example: '08:00',
};
/** Free text the API stores with a length limit (names, reasons, notes). */
export const text = (maxLength: number, extra: ApiPropertyOptions = {}): ApiPropertyOptions => ({ type: String, maxLength, ...extra });
export const nullable = (o: ApiPropertyOptions): ApiPropertyOptions => ({ ...o, nullable: true }) as ApiPropertyOptions;
export const arrayOf = (items: ApiPropertyOptions, maxItems: number): ApiPropertyOptions =>
  ({ type: 'array', items: { ...items, type: items.type === String ? 'string' : items.type }, maxItems }) as ApiPropertyOptions;

const pages = new Map<Type<unknown>, Type<unknown>>();

/** `{items, nextCursor}` of the cursor-paged lists (API.md), one named schema per item type. */
export function PageOf<T>(item: Type<T>): Type<{ items: T[]; nextCursor: string | null }> {
  const known = pages.get(item);
  if (known) return known as Type<{ items: T[]; nextCursor: string | null }>;
  @ApiSchema({ name: `${item.name.replace(/Dto$/, '')}Page` })
  class Page {
    @ApiProperty({ type: [item], maxItems: 200, description: 'At most `limit` items' })
    items!: T[];

    @ApiProperty({ type: String, nullable: true, maxLength: 500, description: 'Pass as `cursor` for the next page; null on the last' })
    nextCursor!: string | null;
  }
  pages.set(item, Page);
  return Page;
}

/** A 200 whose body is a bare JSON array of `item` (bounded, so clients and linters know its size). */
export function ApiOkArrayResponse(item: Type<unknown>, maxItems: number, options: Omit<ApiResponseOptions, 'type' | 'schema'> = {}) {
  return applyDecorators(
    ApiExtraModels(item),
    ApiOkResponse({ ...options, schema: { type: 'array', maxItems, items: { $ref: getSchemaPath(item) } } } as ApiResponseOptions),
  );
}
