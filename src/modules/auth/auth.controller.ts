import { Body, Controller, Get, HttpCode, Patch, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { CurrentUser, Public } from '#src/common/auth/auth.decorators.js';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { RateLimitedRoute } from '#src/common/throttling/rate-limit.decorator.js';
import { AuthService } from '#src/modules/auth/auth.service.js';
import { ChangePasswordDto, LoginDto, SignupDto, SignupResponseDto, TokenResponseDto, UpdateMeDto } from '#src/modules/auth/dto/auth.dto.js';
import { UserResponseDto } from '#src/modules/users/dto/user.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('signup')
  @RateLimitedRoute('signup')
  @ApiOperation({ summary: 'Create a customer account and sign in (limited per IP)' })
  @ApiCreatedResponse({ type: SignupResponseDto, description: 'The new client and an access token' })
  @ApiErrors(400, 409, 422)
  signup(@Body() dto: SignupDto): Promise<SignupResponseDto> {
    return this.auth.signup(dto);
  }

  @Public()
  @Post('login')
  @RateLimitedRoute('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange e-mail and password for an access token (throttled)' })
  @ApiOkResponse({ type: TokenResponseDto, description: 'An access token' })
  @ApiErrors(400, 401, 422)
  login(@Body() dto: LoginDto, @Req() req: Request): Promise<TokenResponseDto> {
    return this.auth.login(dto, req.ip ?? 'unknown', new Date());
  }

  @Post('logout')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'End this token at once' })
  @ApiNoContentResponse({ description: 'Signed out; the token no longer works' })
  @ApiErrors(401)
  logout(@CurrentUser() user: AuthUser): Promise<void> {
    return this.auth.logout(user, new Date());
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors(401)
  me(@CurrentUser() user: AuthUser): Promise<UserResponseDto> {
    return this.auth.me(user);
  }

  @Patch('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change your own name or e-mail preference (role, e-mail and the rest are refused as unknown fields)' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors(401, 422, 429)
  updateMe(@CurrentUser() user: AuthUser, @Body() dto: UpdateMeDto): Promise<UserResponseDto> {
    return this.auth.updateMe(user, dto);
  }

  @Post('password')
  @RateLimitedRoute('password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Change your own password (throttled)',
    description:
      'A wrong current_password is a 422 naming the field (counted like failed logins: too many are 429). ' +
      'Success ends every other token of the user at once; the token used here keeps working.',
  })
  @ApiNoContentResponse({ description: 'Changed; the other tokens no longer work' })
  @ApiErrors(401, 422, 429)
  changePassword(@CurrentUser() user: AuthUser, @Body() dto: ChangePasswordDto): Promise<void> {
    return this.auth.changePassword(user, dto, new Date());
  }
}
