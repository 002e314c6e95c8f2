import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { AppConfig } from '#src/config/app-config.js';
import { AdminBootstrapService } from '#src/modules/auth/admin-bootstrap.service.js';
import { AuthController } from '#src/modules/auth/auth.controller.js';
import { AuthGuard } from '#src/modules/auth/auth.guard.js';
import { AuthRepository } from '#src/modules/auth/auth.repository.js';
import { AuthService } from '#src/modules/auth/auth.service.js';
import { SessionCache } from '#src/modules/auth/session-cache.js';
import { TokensService } from '#src/modules/auth/tokens.service.js';
import { UsersModule } from '#src/modules/users/users.module.js';

@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [AppConfig],
      // A KeyObject made once: given a string, jsonwebtoken rebuilds a key (after a failed
      // public-key parse) on every verify, which was the largest CPU cost of a request.
      useFactory: (config: AppConfig) => ({
        secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')),
        signOptions: { algorithm: 'HS256', expiresIn: config.jwtExpiresInSeconds },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    UsersModule,
  ],
  controllers: [AuthController],
  providers: [AuthService, AuthRepository, TokensService, SessionCache, AdminBootstrapService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [TokensService],
})
export class AuthModule {}
