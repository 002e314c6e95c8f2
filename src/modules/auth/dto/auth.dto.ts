import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsNotEmpty, IsString, MaxLength, MinLength } from 'class-validator';
import { NormalizeEmail, Trim } from '#src/common/validation/transforms.js';
import { PASSWORD_MAX, PASSWORD_MIN, UserResponseDto } from '#src/modules/users/dto/user.dto.js';

export class SignupDto {
  @ApiProperty({ example: 'customer@example.com' })
  @NormalizeEmail()
  @IsEmail()
  @MaxLength(254)
  email: string;

  @ApiProperty({ minLength: PASSWORD_MIN, maxLength: PASSWORD_MAX, example: 'correct horse battery' })
  @IsString()
  @MinLength(PASSWORD_MIN)
  @MaxLength(PASSWORD_MAX)
  password: string;

  @ApiProperty({ example: 'Casey Customer' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name: string;
}

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
