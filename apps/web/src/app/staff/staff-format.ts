/**
 * Display and form helpers shared by the staff pages: the pure ones live in staff-forms.ts
 * (unit-tested), the ones reading DOM events in form-events.ts. Import from here or there.
 */
export * from './staff-forms';
export * from './form-events';
