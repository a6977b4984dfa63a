// Formatting of numbers, durations and times for people.

/** A value with about six significant digits, exponent notation for very large or small magnitudes. */
export function number(x) {
  if (x === null || x === undefined) return '–';
  if (typeof x !== 'number') return String(x);
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return '0';
  const magnitude = Math.abs(x);
  if (magnitude >= 1e6 || magnitude < 1e-4) return x.toExponential(3);
  return String(Number(x.toPrecision(6)));
}

/** A parameter value: numbers as number(), the rest as text. */
export function param(value) {
  return typeof value === 'number' ? number(value) : String(value);
}

/** "k=v, k=v" for a parameter object. */
export function params(object) {
  return Object.entries(object || {}).map(([k, v]) => `${k}=${param(v)}`).join(', ');
}

/** A duration in milliseconds as "45 s", "12 min", "3 h 20 min", "2 d 4 h". */
export function duration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const s = ms / 1000;
  if (s < 60) return `${Math.round(s)} s`;
  const min = s / 60;
  if (min < 60) return `${Math.round(min)} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${Math.round(min - h * 60)} min`;
  const d = Math.floor(h / 24);
  return `${d} d ${h - d * 24} h`;
}

/** A time as local "YYYY-MM-DD HH:MM:SS". */
export function time(iso) {
  if (!iso) return '–';
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return String(iso);
  const pad = (n) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ` +
    `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}

/** The last lines of a long text (a failure's stack trace or stderr tail): the end is where the cause is. */
export function tail(text, maxLines = 12, maxChars = 1500) {
  if (!text) return '';
  let lines = String(text).split('\n');
  if (lines.length > maxLines) lines = ['…', ...lines.slice(-maxLines)];
  let result = lines.join('\n');
  if (result.length > maxChars) result = '…' + result.slice(-maxChars);
  return result;
}
