package jihat

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// NormalizeArabic returns s in the form search compares: the store keeps this
// form of a case's subject and body beside the original, and a query is
// normalised the same way, so spelling variants find each other (مدرسة finds
// مدرسه, إسلام finds اسلام, مُحَمَّد finds محمد).
//
// Each rune is mapped on its own (the result is idempotent):
//   - Diacritics are removed: tashkeel U+064B–U+065F, superscript alef U+0670,
//     Quranic annotation marks U+0610–U+061A and U+06D6–U+06ED. People type
//     them inconsistently and they never distinguish what someone searches for.
//   - Tatweel U+0640 (ـ, stretching for looks) is removed.
//   - Invisible format characters (Unicode category Cf: zero-width joiners,
//     direction marks, the byte order mark) are removed; copied text is full of them.
//   - Alef with hamza above/below, alef with madda and alef wasla (أ إ آ ٱ)
//     become a bare alef ا: the hamza on an initial alef is dropped in most
//     writing.
//   - Alef maqsura ى becomes yeh ي, and taa marbuta ة becomes heh ه: both
//     are written either way at the end of a word (مستشفى/مستشفي, مدرسة/مدرسه).
//   - Waw with hamza ؤ becomes و and yeh with hamza ئ becomes ي, for the same
//     reason. The lone hamza ء is kept: dropping it would join unrelated words.
//   - Persian yeh ی and keheh ک (from Persian keyboards) become ي and ك.
//   - Arabic-Indic ٠-٩ and Eastern Arabic-Indic ۰-۹ digits become 0-9.
//   - Letters are lower-cased (Latin and any other cased script).
//   - Punctuation, symbols, control characters and invalid UTF-8 become a
//     space; runs of space collapse to one, with none at either end.
//
// Left out on purpose: the definite article ال is kept (search matches
// substrings, so مدرسه finds المدرسه), and Arabic presentation forms
// (U+FB50–U+FEFF, from some PDFs) are not decomposed.
func NormalizeArabic(s string) string {
	return normalize(s, false)
}

// normalize is NormalizeArabic; keep leaves alef maqsura ى and the hamza
// forms of alef (أ إ آ) as they are, for the stemmer: a final ى is part of
// the word where a final ي may be a suffix, and إلغاء does not begin with
// the article as الغاء seems to. foldStem folds them afterwards.
func normalize(s string, keep bool) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false // a space is pending before the next kept rune
	for _, r := range s {
		if !keep || !keptForStem(r) {
			r = foldArabic(r)
		}
		switch {
		case r == -1:
			continue
		case r == ' ':
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldArabic maps one rune for NormalizeArabic: -1 drops it, ' ' makes it a
// separator, anything else is the rune to keep.
func foldArabic(r rune) rune {
	if r < utf8.RuneSelf { // ASCII fast path
		switch {
		case 'A' <= r && r <= 'Z':
			return r + ('a' - 'A')
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return r
		}
		return ' '
	}
	switch {
	case r >= 0x064B && r <= 0x065F, r == 0x0670, r >= 0x0610 && r <= 0x061A,
		r >= 0x06D6 && r <= 0x06ED, r == 0x0640:
		return -1
	case r == 'أ', r == 'إ', r == 'آ', r == 'ٱ':
		return 'ا'
	case r == 'ى', r == 'ئ', r == 'ی':
		return 'ي'
	case r == 'ة':
		return 'ه'
	case r == 'ؤ':
		return 'و'
	case r == 'ک':
		return 'ك'
	}
	if r >= 0x0621 && r <= 0x064A { // the other Arabic letters, kept as they are
		return r
	}
	if d := digitValue(r); d >= 0 {
		return '0' + rune(d)
	}
	if unicode.IsLetter(r) {
		return unicode.ToLower(r)
	}
	switch {
	case r == utf8.RuneError, unicode.IsPunct(r), unicode.IsSymbol(r),
		unicode.IsSpace(r), unicode.IsControl(r):
		return ' '
	case unicode.Is(unicode.Cf, r):
		return -1
	}
	return unicode.ToLower(r)
}

// digitValue returns the value of an ASCII, Arabic-Indic (٠-٩) or Eastern
// Arabic-Indic (۰-۹) digit, and -1 for any other rune.
func digitValue(r rune) int {
	switch {
	case r >= '0' && r <= '9':
		return int(r - '0')
	case r >= '٠' && r <= '٩':
		return int(r - '٠')
	case r >= '۰' && r <= '۹':
		return int(r - '۰')
	}
	return -1
}

// Limits of a search query.
const (
	MaxSearchQueryBytes = 1024 // longer queries are cut (at a rune boundary) before normalising
	MaxSearchTerms      = 8    // words beyond these are ignored
	MaxSearchTermRunes  = 64   // a longer word is cut to its first runes
)

// SearchTerms splits a query into normalised words (NormalizeArabic), in
// order, without repeats, leaving out single-rune words (an Arabic
// conjunction like و, or a stray letter) and keeping at most MaxSearchTerms
// words of at most MaxSearchTermRunes runes. An empty result means there is
// nothing to search for.
func SearchTerms(q string) []string {
	var terms []string
	for _, w := range strings.Fields(NormalizeArabic(cutQuery(q))) {
		if utf8.RuneCountInString(w) < 2 {
			continue
		}
		if utf8.RuneCountInString(w) > MaxSearchTermRunes {
			w = string([]rune(w)[:MaxSearchTermRunes])
		}
		if !slices.Contains(terms, w) {
			terms = append(terms, w)
		}
		if len(terms) == MaxSearchTerms {
			break
		}
	}
	return terms
}
