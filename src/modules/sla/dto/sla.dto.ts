import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PageMetaDto } from '#src/common/pagination/pagination.js';
import { MAX_INT4 } from '#src/common/validation/limits.js';
import { NestedObject } from '#src/common/validation/nested.js';
import { OptionalNotNull } from '#src/common/validation/optional.js';
import { Trim } from '#src/common/validation/transforms.js';
import type { IsoWeekday } from '#src/modules/sla/domain/business-hours.js';
import type { CalendarRow, PolicyRow } from '#src/modules/sla/sla.repository.js';

/** A year, the longest target a policy may set. */
const MAX_MINUTES = 525_600;
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof WEEKDAYS)[number];

export class EscalationDto {
  @ApiProperty({ description: 'On a breach, tell the admins (socket event `sla:escalated`)' }) notify_admins: boolean;
  @ApiProperty({ description: 'On a breach, raise the priority one step (once; the deadlines stay)' }) raise_priority: boolean;
  @ApiProperty({ description: 'On a breach, unassign the ticket so automatic assignment tries again' }) unassign: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'On a breach, move the ticket to this queue' }) queue_id: number | null;
}

export class SlaPolicyResponseDto {
  @ApiProperty({ enum: ['urgent', 'high', 'medium', 'low'] }) priority: string;
  @ApiProperty({ example: 240, description: 'First response due this many minutes after creation' }) frt_minutes: number;
  @ApiProperty({ example: 1440, description: 'Resolution due this many minutes after creation (or a reopen)' }) ttr_minutes: number;
  @ApiProperty({ type: Number, nullable: true, description: 'Count only this calendar\'s working time; null: around the clock' })
  calendar_id: number | null;
  @ApiProperty({ description: 'Time in waiting_customer does not count toward TTR' }) pause_while_waiting: boolean;
  @ApiProperty({ type: EscalationDto }) escalation: EscalationDto;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class SlaPolicyPageDto extends PageMetaDto {
  @ApiProperty({ type: [SlaPolicyResponseDto], description: 'Urgent first' }) items: SlaPolicyResponseDto[];
}

export function toPolicyResponse(policy: PolicyRow): SlaPolicyResponseDto {
  return {
    priority: policy.priority,
    frt_minutes: policy.frtMinutes,
    ttr_minutes: policy.ttrMinutes,
    calendar_id: policy.calendarId,
    pause_while_waiting: policy.pauseWhileWaiting,
    escalation: {
      notify_admins: policy.breachNotifyAdmins,
      raise_priority: policy.breachRaisePriority,
      unassign: policy.breachUnassign,
      queue_id: policy.breachQueueId,
    },
    updated_at: policy.updatedAt.toISOString(),
  };
}

export class EscalationInputDto {
  @ApiPropertyOptional() @OptionalNotNull() @IsBoolean() notify_admins?: boolean;
  @ApiPropertyOptional() @OptionalNotNull() @IsBoolean() raise_priority?: boolean;
  @ApiPropertyOptional() @OptionalNotNull() @IsBoolean() unassign?: boolean;
  @ApiPropertyOptional({ type: Number, nullable: true, description: 'null: do not move' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  queue_id?: number | null;
}

/** PUT a policy: the targets are required; what else is left out keeps its current value. */
export class PutSlaPolicyDto {
  @ApiProperty({ minimum: 1, maximum: MAX_MINUTES, example: 60 }) @IsInt() @Min(1) @Max(MAX_MINUTES) frt_minutes: number;
  @ApiProperty({ minimum: 1, maximum: MAX_MINUTES, example: 480 }) @IsInt() @Min(1) @Max(MAX_MINUTES) ttr_minutes: number;

  @ApiPropertyOptional({ type: Number, nullable: true, description: 'A business calendar; null: around the clock' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  calendar_id?: number | null;

  @ApiPropertyOptional() @OptionalNotNull() @IsBoolean() pause_while_waiting?: boolean;

  @ApiPropertyOptional({ type: EscalationInputDto })
  @OptionalNotNull()
  @NestedObject(() => EscalationInputDto)
  escalation?: EscalationInputDto;
}

export class BusinessCalendarResponseDto {
  @ApiProperty() id: number;
  @ApiProperty({ example: 'Berlin office' }) name: string;
  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone' }) time_zone: string;
  @ApiProperty({
    example: { mon: ['09:00-17:00'], tue: ['09:00-17:00'], wed: ['09:00-17:00'], thu: ['09:00-17:00'], fri: ['09:00-13:00', '14:00-17:00'] },
    description: 'Working periods per weekday (mon … sun), local `HH:mm-HH:mm`; a day left out is off',
  })
  working_hours: Partial<Record<WeekdayName, string[]>>;
  @ApiProperty({ type: [String], example: ['2026-12-25', '2027-01-01'], description: 'Local dates off' }) holidays: string[];
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class BusinessCalendarPageDto extends PageMetaDto {
  @ApiProperty({ type: [BusinessCalendarResponseDto], description: 'In id order' }) items: BusinessCalendarResponseDto[];
}

export function toCalendarResponse(calendar: CalendarRow): BusinessCalendarResponseDto {
  const workingHours: Partial<Record<WeekdayName, string[]>> = {};
  WEEKDAYS.forEach((name, index) => {
    const periods = calendar.weekly[(index + 1) as IsoWeekday];
    if (periods?.length) workingHours[name] = periods.map((p) => `${p.start}-${p.end}`);
  });
  return {
    id: calendar.id,
    name: calendar.name,
    time_zone: calendar.timeZone,
    working_hours: workingHours,
    holidays: calendar.holidays,
    created_at: calendar.createdAt.toISOString(),
    updated_at: calendar.updatedAt.toISOString(),
  };
}

export class PutBusinessCalendarDto {
  @ApiProperty({ example: 'Berlin office' }) @Trim() @IsString() @IsNotEmpty() @MaxLength(100) name: string;
  @ApiProperty({ example: 'Europe/Berlin' }) @IsString() @MaxLength(64) time_zone: string;

  @ApiProperty({ example: { mon: ['09:00-17:00'], fri: ['09:00-15:00'] }, description: 'mon … sun → local `HH:mm-HH:mm` periods' })
  @IsObject()
  working_hours: Record<string, unknown>;

  @ApiPropertyOptional({ type: [String], example: ['2026-12-25'] })
  @OptionalNotNull()
  @IsArray()
  @ArrayMaxSize(1000)
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { each: true, message: 'each holiday must be a date (YYYY-MM-DD)' })
  holidays?: string[];
}
