import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '#src/common/auth/auth.decorators.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import {
  CreateUserDto,
  ListUsersQueryDto,
  UpdateUserDto,
  UserPageDto,
  UserResponseDto,
} from '#src/modules/users/dto/user.dto.js';
import { UsersService } from '#src/modules/users/users.service.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({ summary: 'List users (admin)' })
  @ApiOkResponse({ type: UserPageDto })
  @ApiErrors(401, 403, 422)
  list(@Query() query: ListUsersQueryDto): Promise<UserPageDto> {
    return this.users.list(query);
  }

  @Post()
  @ApiOperation({ summary: 'Create a client, agent or admin (admin)' })
  @ApiCreatedResponse({ type: UserResponseDto })
  @ApiErrors(401, 403, 409, 422)
  create(@Body() dto: CreateUserDto): Promise<UserResponseDto> {
    return this.users.create(dto);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One user (admin)' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors(401, 403, 404, 422)
  get(@IdParam() id: number): Promise<UserResponseDto> {
    return this.users.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Rename, change role, deactivate or set a password (admin)' })
  @ApiOkResponse({ type: UserResponseDto })
  @ApiErrors(401, 403, 404, 409, 422)
  update(@IdParam() id: number, @Body() dto: UpdateUserDto): Promise<UserResponseDto> {
    return this.users.update(id, dto);
  }
}
