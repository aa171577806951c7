import { ForbiddenException, Injectable, NotFoundException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { UserRow } from '@phonebank/persistence';
import { one, userCanAccessProject } from '@phonebank/persistence';

/** Authorization checks shared by the controllers: campaign scoping and project grants. */
@Injectable()
export class QueueAccessService {
  constructor(private readonly ds: DataSource) {}

  /** A project the user may call: same campaign, and granted (staff see all). 404 otherwise. */
  async assertProject(user: UserRow, projectId: string): Promise<void> {
    if (!(await userCanAccessProject(this.ds, user, projectId)))
      throw new NotFoundException({ code: 'NOT_FOUND', message: 'project not found' });
  }

  /** An attempt of the user's campaign; volunteers only their own. */
  async assertAttempt(user: UserRow, attemptId: string): Promise<void> {
    const a = await one<{ campaign_id: string; user_id: string | null }>(
      this.ds,
      'SELECT campaign_id, user_id FROM call_attempts WHERE id = $1',
      [attemptId],
    );
    if (!a || a.campaign_id !== user.campaignId)
      throw new NotFoundException({ code: 'NOT_FOUND', message: 'call attempt not found' });
    if (user.role === 'volunteer' && a.user_id !== user.id)
      throw new ForbiddenException({ code: 'FORBIDDEN', message: 'not your call' });
  }
}
