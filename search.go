package jihat

import (
	"slices"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Search analysis: the one way Jihat turns text into what its search
// compares, for cases, the service guide and meeting documents alike.
//
// Every word has two forms. Its exact form is NormalizeArabic's (letter
// variants and diacritics folded). Its stem is the exact form with the
// attached article, conjunction or preposition and one layer of common
// suffixes taken off, in the manner of Lucene's Arabic light stemmer
// (ArabicStemmer, after ArabicNormalizer), so المدرسة, مدرسة, للمدرسة and
// والمدرسة share the stem مدرس. A query word matches a document word when
// either form is equal; a match on the exact form ranks first.
//
// Differences from Lucene, each to avoid a false match people noticed:
//   - Stemming looks at the word before alef maqsura and the hamza forms of
//     alef are folded: ليلى keeps its ى (only ي is a suffix), and إلغاء does
//     not lose a "ال" it never had.
//   - A suffix is removed only when three letters remain (Lucene: two), so
//     يده or مكان are not cut to two letters.
//   - A leading و is kept when it belongs to the word (وزارة, وظيفة, والد:
//     waRoots), and الله with its particles stays الله.
//   - Words of other scripts and words with digits are not stemmed.
//
// Broken plurals (مدارس / مدرسة) are different words to a light stemmer and
// stay apart; so do the single-letter prepositions ب، ك، ل، ف when they come
// without the article (بيت، كتاب، لون، فيل begin with those letters).

// SearchVersion is the version of the analysis. The store keeps the version
// each row was indexed with and re-indexes older rows at start, so bump it
// whenever the stemmer or NormalizeArabic changes what they return, or what
// is indexed (2: the replies and internal notes of cases; 3: word pairs,
// SearchPairs).
const SearchVersion = 3

// SearchTerm is one word of a query in its two forms.
type SearchTerm struct {
	Exact string // NormalizeArabic's form
	Stem  string // StemArabic's form
	Alt   string // the stem with a final ي kept, when Stem lost one (see stemForms); or ""
}

// Stems returns the term's stems: Stem, and Alt when there is one.
func (t SearchTerm) Stems() []string {
	if t.Alt == "" {
		return []string{t.Stem}
	}
	return []string{t.Stem, t.Alt}
}

// maxSpellingLetters bounds SpellingStems' enumeration (2^n spellings).
const maxSpellingLetters = 10

// SpellingStems returns the stems that t.Exact's other spellings have and
// t.Stems() lacks. A document word whose exact form is t.Exact is t.Exact
// with some of its alefs written أ, إ or آ and some of its ي written ى: the
// letters the exact form folds but the stemmer reads (إلغاء keeps the ال
// that الغاء loses), and the stemmer reads أ, إ and آ alike and ى as
// "not ي" (no prefix or suffix holds them). So a document word equal to
// t.Exact has one of t.Stems() or one of these stems: "the exact form, or
// a stem" finds the same documents as "a stem, or the exact form with one
// of these stems". The store asks the latter (PostgreSQL estimates an OR of
// two columns as the sum of both, and the stem nearly always holds the
// exact form: a word's count came out twice too high). ok is false when
// t.Exact has more than maxSpellingLetters alefs and ي together.
func (t SearchTerm) SpellingStems() (extra []string, ok bool) {
	r := []rune(t.Exact)
	var at []int // the positions of ا and ي
	for i, c := range r {
		if c == 'ا' || c == 'ي' {
			at = append(at, i)
		}
	}
	if len(at) > maxSpellingLetters {
		return nil, false
	}
	have := t.Stems()
	add := func(s string) {
		if s != "" && !slices.Contains(have, s) && !slices.Contains(extra, s) {
			extra = append(extra, s)
		}
	}
	u := make([]rune, len(r))
	for mask := range 1 << len(at) {
		copy(u, r)
		for b, i := range at {
			if mask&(1<<b) != 0 {
				if u[i] == 'ا' {
					u[i] = 'أ'
				} else {
					u[i] = 'ى'
				}
			}
		}
		stem, alt := stemForms(string(u))
		add(stem)
		add(alt)
	}
	return extra, true
}

// matchesWord tells whether a document word (normalize(…, true)) matches t.
func (t SearchTerm) matchesWord(w string) bool {
	if t.Exact == foldStem(w) {
		return true
	}
	stem, alt := stemForms(w)
	for _, s := range t.Stems() {
		if s == stem || alt != "" && s == alt {
			return true
		}
	}
	return false
}

// ParseSearch splits a query into terms, in order, without repeats, with the
// limits of SearchTerms (single-rune words left out, at most MaxSearchTerms
// words of at most MaxSearchTermRunes runes). An empty result means there is
// nothing to search for.
func ParseSearch(q string) []SearchTerm {
	var terms []SearchTerm
	for _, w := range SearchTerms(q) {
		stem, alt := stemForms(w)
		terms = append(terms, SearchTerm{Exact: w, Stem: stem, Alt: alt})
	}
	// SearchTerms has lost ى and the hamza forms of alef; stem from the
	// query's own words where they are still there.
	kept := strings.Fields(normalize(cutQuery(q), true))
	for i := range terms {
		for _, k := range kept {
			if foldStem(k) == terms[i].Exact {
				terms[i].Stem, terms[i].Alt = stemForms(k)
				break
			}
		}
	}
	return terms
}

// SearchDoc returns the two indexed forms of a document's texts (joined with
// spaces): the exact form (NormalizeArabic) and the stems, in the same order
// (a word with two stems, see stemForms, has both, one after the other).
func SearchDoc(texts ...string) (exact, stems string) {
	joined := strings.Join(texts, " ")
	words := strings.Fields(normalize(joined, true))
	var e, s strings.Builder
	for i, w := range words {
		if i > 0 {
			e.WriteByte(' ')
			s.WriteByte(' ')
		}
		e.WriteString(foldStem(w))
		stem, alt := stemForms(w)
		s.WriteString(stem)
		if alt != "" {
			s.WriteByte(' ')
			s.WriteString(alt)
		}
	}
	return e.String(), s.String()
}

// searchPairJoin joins two words into a pair token. The tatweel is a letter
// to both databases' tokenizers (PostgreSQL's parser under a UTF-8 locale,
// SQLite's unicode61), so a pair is one token, and normalize removes it
// from every word, so no word and no query word equals a pair.
const searchPairJoin = "ـ"

// SearchPair is the token of two adjacent words (exact forms).
func SearchPair(a, b string) string { return a + searchPairJoin + b }

// SearchPairs returns the pair tokens of an exact form (SearchDoc's), in
// order, joined with spaces: one per two adjacent words. The store indexes
// them after the words, so a phrase of two words is one token to look up
// (and a phrase of n words n-1 adjacent tokens) instead of every document
// holding both words checked for their positions.
func SearchPairs(exact string) string {
	words := strings.Fields(exact)
	var b strings.Builder
	for i := 1; i < len(words); i++ {
		if i > 1 {
			b.WriteByte(' ')
		}
		b.WriteString(SearchPair(words[i-1], words[i]))
	}
	return b.String()
}

// StemArabic returns the stems of the words of s, joined with spaces (for
// one word, its stem; without the alternative stems SearchDoc adds).
func StemArabic(s string) string {
	words := strings.Fields(normalize(s, true))
	for i, w := range words {
		words[i] = stemToken(w)
	}
	return strings.Join(words, " ")
}

// keptForStem tells the runes normalize keeps apart for the stemmer.
func keptForStem(r rune) bool {
	return r == 'ى' || r == 'أ' || r == 'إ' || r == 'آ'
}

// foldStem folds what normalize kept for the stemmer.
func foldStem(w string) string {
	if !strings.ContainsAny(w, "ىأإآ") {
		return w
	}
	return strings.NewReplacer("ى", "ي", "أ", "ا", "إ", "ا", "آ", "ا").Replace(w)
}

var (
	stemPrefixes = [][]rune{[]rune("ال"), []rune("وال"), []rune("بال"), []rune("كال"), []rune("فال"), []rune("لل"), []rune("و")}
	stemSuffixes = [][]rune{[]rune("ها"), []rune("ان"), []rune("ات"), []rune("ون"), []rune("ين"), []rune("يه"), []rune("ه"), []rune("ي")}
)

// protectedWords are stemmed to a fixed form.
var protectedWords = map[string]string{
	"الله": "الله", "لله": "الله", "والله": "الله", "بالله": "الله", "فالله": "الله", "تالله": "الله",
}

// waRoots are words (after their suffixes are removed) whose first و is a
// root letter, not the conjunction: administrative words above all.
var waRoots = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`وزار وزير وزراء وطن وظيف وظايف وثيق وثايق وقت وكال وكيل وكلاء ورق وحد وحيد
	واحد ولا ولي والد ولاد ولد وصف وضع وقف وفا وارد واجب وجه وجب وصول وصل وسيل وسايل واقع وافد واد وسط وعد وفد
	ورش وزن وقود وعي وفق وجود ورد وصي وديع ورث وسيط وساط وقا واضح واسع وهم وكر ودي وطا ورقي وثب وسام وسم`) {
		waRoots[w] = true
	}
}

// stemToken stems one word of normalize(…, true) and folds it.
func stemToken(w string) string {
	stem, _ := stemForms(w)
	return stem
}

// stemForms returns the stem of one word of normalize(…, true), folded, and
// when a final ي was taken off, the stem with it kept (alt): that ي is a
// suffix in حكومي but the alef maqsura of مستشفى typed as ي in مستشفي, so
// both forms are indexed and both are asked for.
func stemForms(w string) (stem, alt string) {
	f := foldStem(w)
	if p, ok := protectedWords[f]; ok {
		return p, ""
	}
	r := []rune(w)
	for _, c := range r {
		if c < 0x0621 || c > 0x064A {
			return f, "" // digits, Latin, other scripts: as they are
		}
	}
	p := stemPrefix(r)
	r = stemSuffix(p)
	if len(r) == len(p)-1 && p[len(p)-1] == 'ي' { // only a final ي went
		alt = foldStem(string(p))
	}
	return foldStem(string(r)), alt
}

func stemPrefix(r []rune) []rune {
	for _, p := range stemPrefixes {
		if !hasPrefixLen(r, p) {
			continue
		}
		if p[0] == 'و' && waRoots[foldStem(string(stemSuffix(r)))] {
			return r
		}
		return r[len(p):]
	}
	return r
}

func stemSuffix(r []rune) []rune {
	for _, s := range stemSuffixes {
		if len(r) >= len(s)+3 && runesHaveSuffix(r, s) {
			r = r[:len(r)-len(s)]
		}
	}
	return r
}

// hasPrefixLen is Lucene's startsWithCheckLength: a one-letter prefix needs
// three letters after it, a longer one two.
func hasPrefixLen(r, p []rune) bool {
	if len(p) == 1 && len(r) < 4 || len(r) < len(p)+2 {
		return false
	}
	for i := range p {
		if r[i] != p[i] {
			return false
		}
	}
	return true
}

func runesHaveSuffix(r, s []rune) bool {
	for i := range s {
		if r[len(r)-len(s)+i] != s[i] {
			return false
		}
	}
	return true
}

// cutQuery cuts q to MaxSearchQueryBytes at a rune boundary.
func cutQuery(q string) string {
	if len(q) <= MaxSearchQueryBytes {
		return q
	}
	cut := MaxSearchQueryBytes
	for cut > 0 && !utf8.RuneStart(q[cut]) {
		cut--
	}
	return q[:cut]
}

// Span is a range of a text, in UTF-16 code units (as JavaScript counts, so
// a browser can slice the text it was given): [Start, End).
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Highlight returns the spans of the words of text that match a term
// (exact form or stem), in order. Only text is read: a caller highlights
// only what the searcher may see.
func Highlight(text string, terms []SearchTerm) []Span {
	if len(terms) == 0 || text == "" {
		return nil
	}
	var spans []Span
	var tok strings.Builder
	pos, start, end := 0, -1, 0
	flush := func() {
		if start >= 0 && tok.Len() > 0 {
			w := tok.String()
			for _, t := range terms {
				if t.matchesWord(w) {
					spans = append(spans, Span{start, end})
					break
				}
			}
		}
		tok.Reset()
		start = -1
	}
	for _, r := range text {
		width := utf16.RuneLen(r)
		if width < 0 {
			width = 1 // invalid UTF-8 becomes U+FFFD in JavaScript: one unit
		}
		f := r
		if !keptForStem(r) {
			f = foldArabic(r)
		}
		switch {
		case f == ' ':
			flush()
		case f == -1:
			if start >= 0 {
				end = pos + width
			}
		default:
			if start < 0 {
				start = pos
			}
			tok.WriteRune(f)
			end = pos + width
		}
		pos += width
	}
	flush()
	return spans
}
