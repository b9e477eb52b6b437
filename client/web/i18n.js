// i18n.js: the user's language (Arabic by default, remembered), digits
// (Arabic-Indic or Latin, by choice) and the formatting of dates (Hijri
// Umm al-Qura beside Gregorian) and numbers, all through Intl.
import { messages } from './messages.js';

const LANG_KEY = 'jihat.lang';
const DIGITS_KEY = 'jihat.digits';

function stored(key, allowed, fallback) {
  try {
    const v = localStorage.getItem(key);
    return allowed.includes(v) ? v : fallback;
  } catch { return fallback; }
}

let current = stored(LANG_KEY, ['ar', 'en'], 'ar');
let digitChoice = stored(DIGITS_KEY, ['auto', 'arab', 'latn'], 'auto');

export function lang() { return current; }
export function dir() { return current === 'ar' ? 'rtl' : 'ltr'; }
export function digitsChoice() { return digitChoice; }
// digits is the numbering system in use: Arabic-Indic in Arabic unless the
// user chose Latin.
export function digits() { return digitChoice === 'auto' ? (current === 'ar' ? 'arab' : 'latn') : digitChoice; }

export function setLang(l) {
  current = l === 'en' ? 'en' : 'ar';
  try { localStorage.setItem(LANG_KEY, current); } catch { /* private mode */ }
  applyDocument();
}

export function setDigits(d) {
  digitChoice = ['arab', 'latn'].includes(d) ? d : 'auto';
  try { localStorage.setItem(DIGITS_KEY, digitChoice); } catch { /* private mode */ }
}

// applyDocument sets <html lang dir> for the language.
export function applyDocument() {
  document.documentElement.lang = current;
  document.documentElement.dir = dir();
  document.title = t('app.title');
}

// t returns the text of key in the current language; {name} marks are
// replaced from vars (numbers formatted with the chosen digits).
export function t(key, vars) {
  let s = messages[current][key] ?? messages.ar[key] ?? key;
  if (vars) {
    s = s.replace(/\{(\w+)\}/g, (_, k) => {
      const v = vars[k];
      return typeof v === 'number' ? num(v) : (v ?? '');
    });
  }
  return s;
}

const cache = new Map();
function fmt(locale, opts) {
  const k = locale + JSON.stringify(opts);
  let f = cache.get(k);
  if (!f) { f = new Intl.DateTimeFormat(locale, opts); cache.set(k, f); }
  return f;
}

export function num(n, opts) {
  return new Intl.NumberFormat(`${current}-u-nu-${digits()}`, opts).format(n);
}

// Digits in a string (a case number, an ID) shown with the chosen digits.
export function digitsIn(s) {
  if (digits() !== 'arab' || s == null) return s ?? '';
  return String(s).replace(/[0-9]/g, (d) => '٠١٢٣٤٥٦٧٨٩'[d]);
}

// dates formats an RFC 3339 time as {greg, hijri}, both in the user's
// language and digits; the Hijri one is Umm al-Qura.
export function dates(iso, withTime = true) {
  if (!iso) return null;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return null;
  const nu = digits();
  const opts = { year: 'numeric', month: 'long', day: 'numeric' };
  const time = withTime ? { hour: 'numeric', minute: '2-digit' } : {};
  const greg = fmt(`${current}-u-ca-gregory-nu-${nu}`, { ...opts, ...time }).format(d);
  const hijriLocale = current === 'ar' ? `ar-SA-u-ca-islamic-umalqura-nu-${nu}` : `en-u-ca-islamic-umalqura-nu-${nu}`;
  const hijri = fmt(hijriLocale, opts).format(d);
  return { greg, hijri, iso: d.toISOString() };
}

// pick returns the name in the user's language from an {name_ar, name_en}.
export function pick(o) {
  if (!o) return '';
  return current === 'ar' ? (o.name_ar || o.name_en) : (o.name_en || o.name_ar);
}

// duration formats milliseconds as m:ss with the chosen digits.
export function duration(ms) {
  const s = Math.max(0, Math.round((ms || 0) / 1000));
  return digitsIn(`${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`);
}

export function size(bytes) {
  if (bytes < 1024) return t('size.bytes', { n: bytes });
  if (bytes < 1 << 20) return t('size.kb', { n: Math.round(bytes / 1024) });
  return t('size.mb', { n: Math.round((bytes / (1 << 20)) * 10) / 10 });
}
