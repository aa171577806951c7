import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { MAX_TOP_UP_CENTS } from '@phonebank/persistence';

export class TopUpDto {
  @ApiProperty({ example: 5000, description: 'whole cents (5000 = $50.00)' })
  @IsInt()
  @Min(1)
  @Max(MAX_TOP_UP_CENTS)
  amountCents!: number;
  @ApiProperty({ example: 'Invoice 1042', description: 'where the money came from' })
  @IsString()
  @MinLength(1)
  @MaxLength(500)
  reason!: string;
}
