import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsEnum, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { MIN_PASSWORD_LENGTH, Role } from '@chairtime/identity';

export class LoginDto {
  @ApiProperty({ example: 'scheduler@demo.chairtime.dev' })
  @IsString()
  @MaxLength(320)
  email!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  password!: string;
}

export class RefreshDto {
  @ApiProperty({
    required: false,
    description: 'The opaque refresh token from login or the previous refresh; omitted by browsers, which send the session cookie',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  refreshToken?: string;
}

export class TokenPairDto {
  @ApiProperty() accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Access token lifetime in seconds' }) expiresIn!: number;
  @ApiProperty({
    required: false,
    description:
      'Single use: each refresh returns a new one; reusing an old one revokes the session. Absent in the browser session ' +
      '(X-Requested-With: chairtime), where it is set as an HttpOnly cookie instead',
  })
  refreshToken?: string;
}

export class CreateUserDto {
  @ApiProperty()
  @IsEmail({}, { message: 'must be an email address' })
  @MaxLength(320)
  email!: string;

  @ApiProperty({ minLength: MIN_PASSWORD_LENGTH })
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH, { message: `must be at least ${MIN_PASSWORD_LENGTH} characters` })
  @MaxLength(1024)
  password!: string;

  @ApiProperty({ enum: Role })
  @IsEnum(Role)
  role!: Role;

  @ApiProperty({ required: false, type: [String], description: 'Staff: at least one. Patient: defaults to the patient’s clinic.' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true })
  clinicIds?: string[];

  @ApiProperty({ required: false, description: 'Required for (and only for) role patient' })
  @IsOptional()
  @IsUUID('all')
  patientId?: string;
}

export class UserDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: Role }) role!: Role;
  @ApiProperty({ type: [String] }) clinicIds!: string[];
  @ApiProperty({ nullable: true, type: String }) patientId!: string | null;
}

export class CreatedUserDto extends UserDto {
  @ApiProperty() createdAt!: string;
}
