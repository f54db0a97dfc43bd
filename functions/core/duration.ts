/**
 * ISO-8601 durations (`P30D`, `PT20S`, `P1DT12H`) as milliseconds. Years and
 * months are refused: their length depends on the calendar, and a retention
 * promise must not.
 */
const PATTERN = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export const parseDuration = (text: string): number => {
  const m = PATTERN.exec(text.trim());
  if (!m || text.trim() === 'P' || text.trim().endsWith('T')) {
    throw new Error(
      `"${text}" is not an ISO-8601 duration of weeks, days, hours, minutes or seconds (e.g. P30D)`,
    );
  }
  const [, w, d, h, min, s] = m;
  const ms =
    Number(w ?? 0) * 604_800_000 +
    Number(d ?? 0) * 86_400_000 +
    Number(h ?? 0) * 3_600_000 +
    Number(min ?? 0) * 60_000 +
    Number(s ?? 0) * 1000;
  // A well-formed zero (PT0S) is no grace period, schedule or window at all: say so, not "not a duration".
  if (Math.round(ms) <= 0) throw new Error(`"${text}" must be longer than zero (e.g. PT30S or P30D)`);
  return Math.round(ms);
};

export const parseDurationList = (text: string): number[] =>
  text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map(parseDuration);
