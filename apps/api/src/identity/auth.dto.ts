import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH, Role } from '@chairtime/identity';

export class LoginDto {
  @ApiProperty({ maxLength: 320, example: 'scheduler@demo.chairtime.dev' })
  @IsString()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ format: 'password', maxLength: 1024 })
  @IsString()
  @MaxLength(1024)
  password!: string;
}

export class RefreshDto {
  @ApiProperty({
    required: false,
    maxLength: 200,
    description: 'The opaque refresh token from login or the previous refresh; omitted by browsers, which send the session cookie',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refreshToken?: string;
}

export class TokenPairDto {
  @ApiProperty({ maxLength: 4000, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$', description: 'A JWT' })
  accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 86400, description: 'Access token lifetime in seconds' })
  expiresIn!: number;
  @ApiProperty({
    required: false,
    maxLength: 200,
    description:
      'Single use: each refresh returns a new one; reusing an old one revokes the session. Absent in the browser session ' +
      '(X-Requested-With: chairtime), where it is set as an HttpOnly cookie instead',
  })
  refreshToken?: string;
}

export class CreateUserDto {
  @ApiProperty({ format: 'email', maxLength: 320 })
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(320)
  email!: string;

  @ApiProperty({ format: 'password', minLength: MIN_PASSWORD_LENGTH, maxLength: 1024 })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH, { message: `must be at least ${MIN_PASSWORD_LENGTH} characters` })
  @MaxLength(1024)
  password!: string;

  @ApiProperty({ enum: Role })
  @IsEnum(Role)
  role!: Role;

  @ApiProperty({
    required: false,
    type: 'array',
    items: { type: 'string', format: 'uuid', maxLength: 36 },
    maxItems: 100,
    description: 'Staff: at least one. Patient: defaults to the patient’s clinic.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  clinicIds?: string[];

  @ApiProperty({ required: false, format: 'uuid', maxLength: 36, description: 'Required for (and only for) role patient' })
  @IsOptional()
  @IsUUID('all')
  patientId?: string;
}

export class UserDto {
  @ApiProperty({ format: 'uuid', maxLength: 36 }) id!: string;
  @ApiProperty({ format: 'email', maxLength: 320 }) email!: string;
  @ApiProperty({ enum: Role }) role!: Role;
  @ApiProperty({ type: 'array', items: { type: 'string', format: 'uuid', maxLength: 36 }, maxItems: 1000 }) clinicIds!: string[];
  @ApiProperty({ nullable: true, type: String, format: 'uuid', maxLength: 36 }) patientId!: string | null;
}

export class CreatedUserDto extends UserDto {
  @ApiProperty({ format: 'date-time', maxLength: 40 }) createdAt!: string;
}
