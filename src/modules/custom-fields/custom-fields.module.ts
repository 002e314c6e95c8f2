import { Module } from '@nestjs/common';
import { CustomFieldDefinitionsCache } from '#src/modules/custom-fields/custom-field-definitions.cache.js';
import { CustomFieldsController } from '#src/modules/custom-fields/custom-fields.controller.js';
import { CustomFieldsRepository } from '#src/modules/custom-fields/custom-fields.repository.js';
import { CustomFieldsService } from '#src/modules/custom-fields/custom-fields.service.js';

@Module({
  controllers: [CustomFieldsController],
  providers: [CustomFieldsService, CustomFieldsRepository, CustomFieldDefinitionsCache],
  exports: [CustomFieldsService],
})
export class CustomFieldsModule {}
