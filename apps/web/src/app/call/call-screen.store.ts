import { Injectable, computed, signal } from '@angular/core';
import type { Outcome } from '../api/api.types';
import {
  OUTCOMES,
  initialCallScreenState,
  outcomeBlocker,
  reduceCallScreen,
  selectedVoter,
  type CallScreenEvent,
  type CallScreenState,
} from './call-screen.state';

/** One per call screen: holds the state in a signal and applies events through the reducer. */
@Injectable()
export class CallScreenStore {
  private readonly state = signal<CallScreenState>(initialCallScreenState);

  readonly current = this.state.asReadonly();
  readonly session = computed(() => this.state().session);
  readonly phone = computed(() => this.state().phone);
  readonly callState = computed(() => this.state().callState);
  readonly selectedVoter = computed(() => selectedVoter(this.state()));
  readonly outcomeBlockers = computed(() => {
    const state = this.state();
    return Object.fromEntries(
      OUTCOMES.map(({ outcome }) => [outcome, outcomeBlocker(state, outcome)]),
    ) as Record<Outcome, string | null>;
  });

  dispatch(event: CallScreenEvent): void {
    this.state.update((state) => reduceCallScreen(state, event));
  }
}
