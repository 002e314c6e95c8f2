import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AdminBootstrapService } from '#src/modules/auth/admin-bootstrap.service.js';
import { AuthController } from '#src/modules/auth/auth.controller.js';
import { AuthRepository } from '#src/modules/auth/auth.repository.js';
import { AuthService } from '#src/modules/auth/auth.service.js';
import { JwtAuthGuard } from '#src/modules/auth/jwt-auth.guard.js';
import { JwtStrategy } from '#src/modules/auth/jwt.strategy.js';
import { SessionCache } from '#src/modules/auth/session-cache.js';
import { TokensService } from '#src/modules/auth/tokens.service.js';
import { PasswordLinksService } from '#src/modules/auth/password-links.service.js';
import { PasswordTokensRepository } from '#src/modules/auth/password-tokens.repository.js';
import { MailModule } from '#src/modules/mail/mail.module.js';
import { UsersModule } from '#src/modules/users/users.module.js';

@Module({
  imports: [UsersModule, MailModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    AuthRepository,
    TokensService,
    SessionCache,
    JwtStrategy,
    AdminBootstrapService,
    PasswordLinksService,
    PasswordTokensRepository,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
  ],
  exports: [TokensService],
})
export class AuthModule {}
