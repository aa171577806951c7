import type { PbxPort } from '@phonebank/pbx';

interface Playing {
  playbackId: string;
  rest: string[];
  done: () => void;
}

/**
 * Plays a list of prompts on a leg one after the other (the PBX port plays one media at a
 * time) and says when the last one finished. Starting a new list or stopping drops the old
 * list: its late `playback-finished` is recognised by its id and ignored. A prompt the PBX
 * refuses counts as played, so a call never waits forever on a missing sound.
 */
export class PromptPlayer {
  private seq = 0;
  private readonly playing = new Map<string, Playing>();

  constructor(
    private readonly pbx: PbxPort,
    /** Playback ids start with this (never `voicemail-`, which the power dialer owns). */
    private readonly prefix: string,
  ) {}

  async play(legId: string, media: readonly string[], done: () => void): Promise<void> {
    await this.stop(legId);
    if (media.length === 0) return done();
    const entry: Playing = { playbackId: '', rest: [...media], done };
    this.playing.set(legId, entry);
    await this.next(legId, entry);
  }

  async stop(legId: string): Promise<void> {
    const entry = this.playing.get(legId);
    if (!entry) return;
    this.playing.delete(legId);
    await this.pbx.stopPlayback(entry.playbackId).catch(() => undefined);
  }

  /** Feed every `playback-finished` event here. */
  onPlaybackFinished(playbackId: string, legId: string | undefined): void {
    const entry = legId ? this.playing.get(legId) : undefined;
    if (!legId || !entry || entry.playbackId !== playbackId) return;
    void this.next(legId, entry);
  }

  forget(legId: string): void {
    this.playing.delete(legId);
  }

  private async next(legId: string, entry: Playing): Promise<void> {
    for (;;) {
      if (this.playing.get(legId) !== entry) return;
      const media = entry.rest.shift();
      if (media === undefined) {
        this.playing.delete(legId);
        entry.done();
        return;
      }
      this.seq += 1;
      entry.playbackId = `${this.prefix}-${legId}-${this.seq}`;
      try {
        await this.pbx.play(legId, media, entry.playbackId);
        return;
      } catch {
        // refused (missing sound, leg gone): go on with the next one
      }
    }
  }
}
