/** Styles shared by the two pages that place a call for the project (caller-ID verification, voicemail recording). */
export const PROJECT_CALL_PAGE_STYLES = `
  .badge {
    display: inline-block;
    margin-left: 0.5rem;
    padding: 0.1rem 0.5rem;
    border-radius: 999px;
    font-size: 0.85rem;
    font-weight: 600;
  }
  .badge.ok {
    background: #e3f4e8;
    color: #14532d;
  }
  .badge.warn {
    background: #fff4d6;
    color: #713f12;
  }
  .big-code {
    display: inline-block;
    margin-left: 0.5rem;
    font-size: 2rem;
    letter-spacing: 0.3rem;
    font-variant-numeric: tabular-nums;
  }
  .plain-list {
    list-style: none;
    padding: 0;
  }
  .plain-list li {
    display: flex;
    gap: 0.75rem;
    align-items: center;
    padding: 0.25rem 0;
  }
  audio {
    width: 100%;
    max-width: 28rem;
  }
`;
