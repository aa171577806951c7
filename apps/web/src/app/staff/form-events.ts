/** Reading form controls from their events (the staff pages use plain inputs and signals). */

/** The value of the input/select/textarea an event came from. */
export function eventValue(event: Event): string {
  return (event.target as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement).value;
}

export function eventChecked(event: Event): boolean {
  return (event.target as HTMLInputElement).checked;
}
