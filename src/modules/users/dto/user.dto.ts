import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsEmail, IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';
import { USER_ROLES, type UserRole } from '#src/common/auth/roles.js';
import { PageMetaDto, PaginationQueryDto } from '#src/common/pagination/pagination.js';
import { IsEnumValue } from '#src/common/validation/enum-value.js';
import { NormalizeEmail, QueryBoolean, Trim } from '#src/common/validation/transforms.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import type { UserEntity } from '#src/modules/users/user.entity.js';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 200;

/** The rules every password someone chooses must meet (signup, a new password, an admin's). */
export const PasswordStrength = () => applyDecorators(IsString(), MinLength(PASSWORD_MIN), MaxLength(PASSWORD_MAX));

export class UserResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'jane@example.com' }) email: string;
  @ApiProperty({ example: 'Jane Doe' }) name: string;
  @ApiProperty({ enum: USER_ROLES }) role: UserRole;
  @ApiProperty() is_active: boolean;
  @ApiProperty({ description: 'Whether the user wants e-mail about their tickets (default true)' }) notify_by_email: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) last_login_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class UserPageDto extends PageMetaDto {
  @ApiProperty({ type: [UserResponseDto] }) items: UserResponseDto[];
}

export function toUserResponse(user: UserEntity): UserResponseDto {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    is_active: user.isActive,
    notify_by_email: user.notifyByEmail,
    last_login_at: user.lastLoginAt?.toISOString() ?? null,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

export class CreateUserDto {
  @ApiProperty({ example: 'agent@example.com' })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX })
  @PasswordStrength()
  password: string;

  @ApiProperty({ example: 'Alex Agent' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;

  @ApiProperty({ enum: USER_ROLES })
  @IsEnumValue(USER_ROLES)
  role: UserRole;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @OptionalNotNull()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiPropertyOptional({ enum: USER_ROLES, description: 'A change ends every token of the user' })
  @OptionalNotNull()
  @IsEnumValue(USER_ROLES)
  role?: UserRole;

  @ApiPropertyOptional({ description: 'false ends every token of the user at once' })
  @OptionalNotNull()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, description: 'A change ends every token of the user' })
  @OptionalNotNull()
  @PasswordStrength()
  password?: string;
}

export class ListUsersQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: USER_ROLES })
  @OptionalNotNull()
  @IsEnumValue(USER_ROLES)
  role?: UserRole;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @QueryBoolean()
  @IsBoolean()
  is_active?: boolean;

  @ApiPropertyOptional({ description: 'Part of the e-mail or name' })
  @OptionalNotNull()
  @Trim()
  @IsString()
  @MaxLength(200)
  q?: string;
}
