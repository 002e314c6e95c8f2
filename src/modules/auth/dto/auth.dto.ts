import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import { NormalizeEmail, Trim } from '#src/common/validation/transforms.js';
import { PASSWORD_MAX, PASSWORD_MIN, PasswordStrength, UpdateUserDto, UserResponseDto } from '#src/modules/users/dto/user.dto.js';

export class SignupDto {
  @ApiProperty({ example: 'customer@example.com' })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, example: 'correct horse battery' })
  @PasswordStrength()
  password: string;

  @ApiProperty({ example: 'Casey Customer' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}

/** A chat without an account: a name and an e-mail address, no password. */
export class VisitorDto extends PickType(SignupDto, ['email', 'name'] as const) {}

export class LoginDto {
  @ApiProperty({ example: 'customer@example.com' })
  @NormalizeEmail()
  @IsString()
  @IsNotEmpty()
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX)
  password: string;
}

export class TokenResponseDto {
  @ApiProperty() access_token: string;
  @ApiProperty({ enum: ['bearer'] }) token_type: 'bearer';
  @ApiProperty({ description: 'Seconds until the token expires' }) expires_in: number;
}

export class SignupResponseDto extends TokenResponseDto {
  @ApiProperty({ type: UserResponseDto }) user: UserResponseDto;
}

const VISIT_KEY_DOC =
  'Renews the visit’s token without a valid one (POST /auth/visitor/renew), for 30 days from the visit’s start; replaced at each ' +
  'renewal. Keep it like the token, and only in the browser the chat started in: a replaced key used again (but for a retry within ' +
  'seconds) ends the visit.';

export class VisitTokenResponseDto extends TokenResponseDto {
  @ApiProperty({ description: VISIT_KEY_DOC, example: '17.Xq3…' }) visit_key: string;
}

export class VisitorResponseDto extends SignupResponseDto {
  @ApiProperty({ description: VISIT_KEY_DOC, example: '17.Xq3…' }) visit_key: string;
}

export class RenewVisitDto {
  @ApiProperty({ description: 'The visit key last given (by POST /auth/visitor or the last renewal)' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  visit_key: string;
}

/** What a user may change about itself: its name and preferences, never its role or e-mail. */
export class UpdateMeDto extends PickType(UpdateUserDto, ['name'] as const) {
  @ApiPropertyOptional({ description: 'Send me e-mail about my tickets' })
  @OptionalNotNull()
  @IsBoolean()
  notify_by_email?: boolean;
}

export class ChangePasswordDto {
  @ApiProperty({ description: 'The password in use now' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX)
  current_password: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, description: 'The same rules as at signup' })
  @PasswordStrength()
  new_password: string;
}

/** Any string up to an address's length, as at login: an unknown or malformed address is answered like a known one. */
export class PasswordResetRequestDto extends PickType(LoginDto, ['email'] as const) {}

export class PasswordResetConfirmDto {
  @ApiProperty({ description: 'The `token` of the mailed link' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  token: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, description: 'The same rules as at signup' })
  @PasswordStrength()
  new_password: string;
}

/** 202: the request is taken; what follows comes by mail. */
export class AcceptedResponseDto {
  @ApiProperty({ enum: ['accepted'] }) status: 'accepted';
  @ApiProperty({ example: 'If the address can receive one, a link is on its way by mail' }) message: string;
}
