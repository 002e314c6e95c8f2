import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PasswordHasher } from '#src/modules/users/password-hasher.js';
import { UserEntity } from '#src/modules/users/user.entity.js';
import { UsersController } from '#src/modules/users/users.controller.js';
import { UsersRepository } from '#src/modules/users/users.repository.js';
import { UsersService } from '#src/modules/users/users.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([UserEntity])],
  controllers: [UsersController],
  providers: [UsersService, UsersRepository, PasswordHasher],
  exports: [UsersService, UsersRepository, PasswordHasher],
})
export class UsersModule {}
