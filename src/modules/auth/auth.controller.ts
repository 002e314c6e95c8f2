import { Body, Controller, Get, HttpCode, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { CurrentUser, Public } from '#src/common/auth/auth.decorators.js';
import type { AuthUser } from '#src/common/auth/auth-user.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { RateLimitedRoute } from '#src/common/throttling/rate-limit.decorator.js';
import { AuthService } from '#src/modules/auth/auth.service.js';
import {
  AcceptedResponseDto,
  ChangePasswordDto,
  LoginDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  RenewVisitDto,
  SignupDto,
  SignupResponseDto,
  TokenResponseDto,
  UpdateMeDto,
  VisitorDto,
  VisitorResponseDto,
  VisitTokenResponseDto,
} from '#src/modules/auth/dto/auth.dto.js';
import { PasswordLinksService } from '#src/modules/auth/password-links.service.js';

const LINK_ACCEPTED: AcceptedResponseDto = { status: 'accepted', message: 'If the address can receive one, a link is on its way by mail' };
import { UserResponseDto } from '#src/modules/users/dto/user.dto.js';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly passwordLinks: PasswordLinksService,
  ) {}

  @Public()
  @Post('signup')
  @RateLimitedRoute('signup')
  @ApiOperation({
    summary: 'Create a customer account and sign in (limited per IP)',
    description:
      'The address of a contact (a customer known only by e-mail, who has tickets but no password) signs nobody in: ' +
      'the answer is 202 and the address gets a one-time link that sets the password (see POST /auth/password-reset/confirm). ' +
      'The address of an account with a password is a 409.',
  })
  @ApiCreatedResponse({ type: SignupResponseDto, description: 'The new client and an access token' })
  @ApiAcceptedResponse({ type: AcceptedResponseDto, description: "A contact's address: a link to set the password is mailed; nobody is signed in" })
  @ApiErrors(400, 409, 422, 429)
  async signup(@Body() dto: SignupDto, @Res({ passthrough: true }) res: Response): Promise<SignupResponseDto | AcceptedResponseDto> {
    const created = await this.auth.signup(dto);
    if (created) return created;
    res.status(202);
    return LINK_ACCEPTED;
  }

  @Public()
  @Post('visitor')
  @RateLimitedRoute('signup')
  @ApiOperation({
    summary: 'Chat without an account: a token for a name and an e-mail address (limited per IP, with signup)',
    description:
      'A `client` token bound to a new visitor session: it sees only the tickets opened with it (list, read, messages, files, ' +
      'ratings, Socket.IO `ticket:join`), never other tickets of the address (e-mail, another browser, earlier visits), and may not ' +
      'change the account (PATCH /auth/me, POST /auth/password: 403). An unknown address becomes a contact under `name`; the ' +
      'address is mailed a link that claims the account (sets a password, see POST /auth/password-reset/confirm), after which a ' +
      'normal login sees all its tickets and the visitor tokens end. The address of an account with a password is a 409: log in.',
  })
  @ApiCreatedResponse({ type: VisitorResponseDto, description: 'The visitor (as named), its access token and its visit key' })
  @ApiErrors(400, 409, 422, 429)
  visitor(@Body() dto: VisitorDto): Promise<VisitorResponseDto> {
    return this.auth.visitor(dto);
  }

  @Public()
  @Post('visitor/renew')
  @HttpCode(200)
  @ApiOperation({
    summary: 'A fresh token for a chat without an account, from its visit key (no token needed)',
    description:
      'Keeps a chat without an account going past one token’s life, also when the visitor comes back after the token expired: the ' +
      'new token sees the same tickets, and the answer carries a new `visit_key` (the one sent no longer renews; earlier tokens ' +
      'work until they expire). 401 for an unknown or ended key, or once the address has a password (log in); 403 once ' +
      'the visit is 30 days old (set a password with the mailed link). The key just replaced, sent again within 2 minutes (a retry ' +
      'whose answer was lost), is answered with a fresh token and the same new `visit_key`; later, or any older key of the visit, ' +
      'is taken as a copied key: the visit ends as by POST /auth/visitor/end, with the 401 of an unknown key. ' +
      'Counted against the writes per IP address (a key cannot be ' +
      'guessed; renewals must not use up the logins of everyone behind one address).',
  })
  @ApiOkResponse({ type: VisitTokenResponseDto, description: 'A new access token and visit key for the same visit' })
  @ApiErrors(400, 401, 403, 422, 429)
  renewVisit(@Body() dto: RenewVisitDto): Promise<VisitTokenResponseDto> {
    return this.auth.renewVisit(dto.visit_key, new Date());
  }

  @Post('visitor/end')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'End a chat without an account (a visitor’s token only)',
    description:
      'Every token of the visit and its key stop at once (open connections close). The conversation stays with the address’s ' +
      'account, for whoever claims it by the mailed link. 403 for any other token (log out instead).',
  })
  @ApiNoContentResponse({ description: 'The visit has ended' })
  @ApiErrors(401, 403)
  endVisit(@CurrentUser() user: AuthUser): Promise<void> {
    return this.auth.endVisit(user, new Date());
  }

  @Public()
  @Post('password-reset')
  @RateLimitedRoute('password-reset')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ask for a password-reset link by mail (limited per IP, with signup)',
    description:
      'Always 202 with the same body and about the same delay: an active account with a password gets a one-time link ' +
      '(PUBLIC_URL/password-reset?token=…, valid for PASSWORD_LINK_TTL); an unknown address, a contact or a deactivated account nothing.',
  })
  @ApiAcceptedResponse({ type: AcceptedResponseDto })
  @ApiErrors(400, 422, 429)
  async requestPasswordReset(@Body() dto: PasswordResetRequestDto): Promise<AcceptedResponseDto> {
    await this.passwordLinks.requestReset(dto.email);
    return LINK_ACCEPTED;
  }

  @Public()
  @Post('password-reset/confirm')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Set a new password with a mailed link (reset or account claim)',
    description:
      'Works once: the link, every other link of the user and every token the user holds stop working. ' +
      'An unknown, used or expired link is a 422 naming `token`. Then sign in with the new password.',
  })
  @ApiNoContentResponse({ description: 'The password is set' })
  @ApiErrors(400, 422, 429)
  confirmPasswordReset(@Body() dto: PasswordResetConfirmDto): Promise<void> {
    return this.passwordLinks.confirm(dto.token, dto.new_password);
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
