import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

/** Paging (1-based) and a search by digits, for lists. */
export class ListQueryDto {
  @ApiPropertyOptional({ default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page?: number;
  @ApiPropertyOptional({ default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  pageSize?: number;
  @ApiPropertyOptional({ description: 'digits of the number, any part of it (non-digits are ignored)' })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  search?: string;
}

export class DncChangeDto {
  @ApiProperty({ example: '(212) 555-2000', description: 'as typed; read as +1 unless it starts with +' })
  @IsString()
  @MinLength(1)
  @MaxLength(40)
  number!: string;
  @ApiProperty({
    example: 'Asked not to be called (letter of 3 March)',
    description: 'kept in the audit log',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class DncImportQueryDto {
  @ApiProperty({ description: 'reason for the lines that give none (kept in the audit log)' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}

export class LedgerQueryDto extends ListQueryDto {
  @ApiPropertyOptional({ enum: ['top-up', 'usage'] })
  @IsOptional()
  @IsIn(['top-up', 'usage'])
  kind?: 'top-up' | 'usage';
}
