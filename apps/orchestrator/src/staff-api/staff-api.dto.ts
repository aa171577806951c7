import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, Min } from 'class-validator';

export class StartVoterImportDto {
  @ApiProperty({ example: 'voters.csv', description: 'the file’s name, shown in the import list' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  fileName!: string;
  @ApiPropertyOptional({ description: 'the file’s size in bytes (for the progress bar)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  totalBytes?: number;
}

export class TeamDto {
  @ApiProperty({ example: 'Saturday callers' })
  @IsString()
  @Matches(/\S/, { message: 'name must not be blank' })
  @MaxLength(100)
  name!: string;
}
