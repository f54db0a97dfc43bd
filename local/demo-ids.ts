/**
 * The demo accounts' ids, with nothing to import: the seeder makes them, and
 * local mode's log lines (queue poller, event targets) recognise them without
 * loading the seeder's SDK clients and stand-ins.
 */
export const demoAccountId = (n: number) => `demo-${String(n).padStart(4, '0')}`;
/** Whether an id is one demoAccountId makes: made-up, so local mode's log may name it (I7 is about real ids). */
export const isDemoAccountId = (id: string) => /^demo-\d{4,}$/.test(id);
