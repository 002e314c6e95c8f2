import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '#src/common/auth/auth.decorators.js';
import { ApiErrors } from '#src/common/errors/api-errors.decorator.js';
import { PaginationQueryDto } from '#src/common/pagination/pagination.js';
import { IdParam } from '#src/common/validation/id-param.pipe.js';
import { CustomFieldsService } from '#src/modules/custom-fields/custom-fields.service.js';
import {
  CreateCustomFieldDto,
  CustomFieldPageDto,
  CustomFieldResponseDto,
  UpdateCustomFieldDto,
} from '#src/modules/custom-fields/dto/custom-field.dto.js';

@ApiTags('custom-fields')
@ApiBearerAuth()
@Controller('custom-fields')
export class CustomFieldsController {
  constructor(private readonly fields: CustomFieldsService) {}

  @Get()
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'The ticket fields admins defined, in the order they were made' })
  @ApiOkResponse({ type: CustomFieldPageDto })
  @ApiErrors(401, 403, 422)
  list(@Query() query: PaginationQueryDto): Promise<CustomFieldPageDto> {
    return this.fields.list(query);
  }

  @Get(':id')
  @Roles('agent', 'admin')
  @ApiOperation({ summary: 'One custom field' })
  @ApiOkResponse({ type: CustomFieldResponseDto })
  @ApiErrors(401, 403, 404, 422)
  get(@IdParam() id: number): Promise<CustomFieldResponseDto> {
    return this.fields.get(id);
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Define a ticket field (admin)' })
  @ApiCreatedResponse({ type: CustomFieldResponseDto })
  @ApiErrors(401, 403, 409, 422)
  create(@Body() dto: CreateCustomFieldDto): Promise<CustomFieldResponseDto> {
    return this.fields.create(dto);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiOperation({ summary: 'Change a field (admin): a new key moves the values; a new type only while no ticket holds one (409)' })
  @ApiOkResponse({ type: CustomFieldResponseDto })
  @ApiErrors(401, 403, 404, 409, 422)
  update(@IdParam() id: number, @Body() dto: UpdateCustomFieldDto): Promise<CustomFieldResponseDto> {
    return this.fields.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles('admin')
  @ApiOperation({ summary: 'Delete a field and every ticket’s value of it (admin)' })
  @ApiNoContentResponse({ description: 'Deleted, with its values' })
  @ApiErrors(401, 403, 404, 422)
  delete(@IdParam() id: number): Promise<void> {
    return this.fields.delete(id);
  }
}
