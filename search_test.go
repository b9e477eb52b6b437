package jihat_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/jihat/jihat"
)

// matches reports whether a query word finds a document word: equal exact
// forms or equal stems, as the store compares them.
func matches(query, doc string) bool {
	terms := jihat.ParseSearch(query)
	exact, stems := jihat.SearchDoc(doc)
	if len(terms) != 1 {
		return false
	}
	if terms[0].Exact == exact {
		return true
	}
	for _, s := range terms[0].Stems() {
		if slices.Contains(strings.Fields(stems), s) {
			return true
		}
	}
	return false
}

// TestStemFinds: pairs a searcher expects to find each other, both ways.
func TestStemFinds(t *testing.T) {
	pairs := [][2]string{
		// The words: the article and attached particles.
		{"المدرسة", "مدرسة"}, {"المدرسه", "مدرسة"}, {"للمدرسة", "مدرسة"}, {"والمدرسة", "مدرسة"},
		{"بالمدرسة", "المدرسة"}, {"فالمدرسة", "مدرسه"}, {"كالمدرسة", "مدرسة"}, {"ومدرسة", "مدرسة"},
		{"مدارس", "المدارس"}, {"للمدارس", "مدارس"},
		// Sound plurals, feminine and pronoun suffixes.
		{"معلمون", "معلم"}, {"المعلمين", "معلم"}, {"معلمات", "المعلم"}, {"المعلمة", "معلم"},
		{"مدرستها", "مدرسته"}, {"كتابه", "كتاب"}, {"كتابها", "الكتاب"}, {"الموظفون", "موظف"},
		{"الموظفين", "موظفة"}, {"الطلبات", "طلب"}, {"طلبات", "الطلب"}, {"المواطنون", "مواطن"},
		{"المواطنين", "مواطنة"}, {"رخصتها", "رخصته"}, {"الرخصة", "رخصة"}, {"والخدمات", "خدمة"},
		{"الخدمة", "خدمات"}, {"بالجوازات", "جواز"}, {"الجواز", "جوازات"}, {"للتجديد", "تجديد"},
		{"المدرسية", "مدرسي"}, {"البلدية", "بلدية"}, {"الحي", "حي"}, {"الرياض", "رياض"},
		// Letter variants on top of the stemming.
		{"التأشيرة", "تأشيرة"}, {"تاشيرة", "التأشيرة"}, {"الإلغاء", "إلغاء"}, {"الغاء", "إلغاء"},
		{"المستشفى", "مستشفى"}, {"المستشفي", "مستشفى"}, {"الشكاوى", "شكاوى"}, {"الإسكان", "اسكان"},
		{"مُعَلِّمُونَ", "المعلم"}, {"الــمدرسة", "مدرسة"},
		// A و that belongs to the word survives the article and the conjunction.
		{"الوزارة", "وزارة"}, {"والوزارة", "وزارة"}, {"ووزارة", "وزارة"}, {"وزارات", "الوزارة"},
		{"الوظيفة", "وظيفة"}, {"والوثائق", "وثائق"},
		// الله keeps its form with the particles.
		{"والله", "الله"}, {"لله", "الله"}, {"بالله", "الله"},
		// Other scripts and digits: folded, not stemmed.
		{"Passport", "passport"}, {"١٢٣٤٥", "12345"}, {"۲۰۲۶", "2026"},
	}
	for _, p := range pairs {
		if !matches(p[0], p[1]) || !matches(p[1], p[0]) {
			t.Errorf("%q and %q should find each other: stems %q and %q", p[0], p[1],
				jihat.StemArabic(p[0]), jihat.StemArabic(p[1]))
		}
	}
}

// TestStemKeepsApart: pairs that are different words and must stay apart:
// broken plurals (a light stemmer does not merge them), and words the
// stemmer would otherwise cut into another word.
func TestStemKeepsApart(t *testing.T) {
	pairs := [][2]string{
		{"مدارس", "مدرسة"}, {"كتب", "كتاب"}, {"رجال", "رجل"}, {"شوارع", "شارع"},
		{"مشاريع", "مشروع"}, {"أوراق", "ورقة"}, {"طلاب", "طالب"}, {"مواعيد", "موعد"},
		{"ليلى", "ليل"}, {"الله", "له"}, {"وزارة", "زار"}, {"والد", "ولد"}, {"والدة", "ده"},
		{"وطن", "طن"}, {"وظيفة", "ظيفة"}, {"وثيقة", "ثيقة"}, {"بيت", "يت"}, {"كتاب", "تاب"},
		{"لون", "ون"}, {"فيل", "يل"}, {"يده", "يد"}, {"مكان", "مك"}, {"سماء", "سما"},
		{"Schools", "school"},
	}
	for _, p := range pairs {
		if matches(p[0], p[1]) || matches(p[1], p[0]) {
			t.Errorf("%q and %q should not find each other: stems %q and %q", p[0], p[1],
				jihat.StemArabic(p[0]), jihat.StemArabic(p[1]))
		}
	}
}

// TestStemNotOverStemmed: words the stemmer leaves whole, and what it makes
// of a few it cuts.
func TestStemNotOverStemmed(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"الله", "الله"}, {"ليلى", "ليلي"}, {"مستشفى", "مستشفي"}, {"بيت", "بيت"}, {"كتاب", "كتاب"},
		{"لون", "لون"}, {"فيل", "فيل"}, {"وجه", "وجه"}, {"يده", "يده"}, {"مكان", "مكان"},
		{"من", "من"}, {"في", "في"}, {"الم", "الم"}, {"ال", "ال"}, {"و", "و"}, {"وزارة", "وزار"},
		{"والد", "والد"}, {"وظيفة", "وظيف"}, {"إلغاء", "الغاء"}, {"إسلام", "اسلام"},
		{"المدرسة", "مدرس"}, {"والمدرسة", "مدرس"}, {"ولد", "ولد"}, {"وقت", "وقت"},
		{"abc123", "abc123"}, {"ب12", "ب12"}, {"", ""},
	} {
		if got := jihat.StemArabic(tt.in); got != tt.want {
			t.Errorf("StemArabic(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSearchDocMixed(t *testing.T) {
	exact, stems := jihat.SearchDoc("طلب Passport renewal للمدرسة، رقم ١٢٣", "مَدْرَسَةُ النور")
	if exact != "طلب passport renewal للمدرسه رقم 123 مدرسه النور" {
		t.Errorf("exact = %q", exact)
	}
	if stems != "طلب passport renewal مدرس رقم 123 مدرس نور" {
		t.Errorf("stems = %q", stems)
	}
	if _, stems := jihat.SearchDoc("مستشفي حكومي"); stems != "مستشف مستشفي حكوم حكومي" {
		t.Errorf("a final ي gives both stems: %q", stems)
	}
	if got := jihat.SearchPairs(exact); got != "طلبـpassport passportـrenewal renewalـللمدرسه للمدرسهـرقم رقمـ123 123ـمدرسه مدرسهـالنور" {
		t.Errorf("pairs = %q", got)
	}
	if got := jihat.SearchPairs("كلمة"); got != "" {
		t.Errorf("pairs of one word = %q", got)
	}
	// Mixed query: both scripts become terms.
	got := fmt.Sprint(jihat.ParseSearch("تجديد PASSPORT للمدرسة"))
	if want := "[{تجديد تجديد } {passport passport } {للمدرسه مدرس }]"; got != want {
		t.Errorf("ParseSearch = %s, want %s", got, want)
	}
	// The query keeps ى and the hamza for its stems.
	if got := fmt.Sprint(jihat.ParseSearch("ليلى إلغاء")); got != "[{ليلي ليلي } {الغاء الغاء }]" {
		t.Errorf("ParseSearch = %s", got)
	}
}

func TestHighlight(t *testing.T) {
	// at returns the span of the i-th occurrence of word in text.
	at := func(text, word string) jihat.Span {
		i := strings.Index(text, word)
		start := len(utf16.Encode([]rune(text[:i])))
		return jihat.Span{Start: start, End: start + len(utf16.Encode([]rune(word)))}
	}
	body := "أرجو الإرشاد إلى الإجراء الصحيح للمدرسة"
	for _, tt := range []struct {
		name, text, q string
		want          []jihat.Span
	}{
		{"the issue's case", body, "المدرسه", []jihat.Span{at(body, "للمدرسة")}},
		{"two words", body, "مدرسة الاجراء", []jihat.Span{at(body, "الإجراء"), at(body, "للمدرسة")}},
		{"diacritics stay inside", "في مَدْرَسَةٌ واحدة", "مدرسة", []jihat.Span{at("في مَدْرَسَةٌ واحدة", "مَدْرَسَةٌ")}},
		{"after an emoji", "😀 مدرسة", "مدرسة", []jihat.Span{{Start: 3, End: 8}}},
		{"English", "Water leak, WATER pipe", "water", []jihat.Span{{0, 5}, {12, 17}}},
		{"nothing", body, "مستشفى", nil},
		{"no terms", body, "", nil},
	} {
		got := jihat.Highlight(tt.text, jihat.ParseSearch(tt.q))
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: Highlight = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func FuzzSearchDoc(f *testing.F) {
	for _, s := range []string{"", "المدرسة", "والله ليلى", "\xff\xfeال", "ٱلله", "a\u200cب"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		exact, stems := jihat.SearchDoc(s)
		if exact != jihat.NormalizeArabic(s) {
			t.Fatalf("exact form %q differs from NormalizeArabic %q", exact, jihat.NormalizeArabic(s))
		}
		if n, p := len(strings.Fields(exact)), len(strings.Fields(jihat.SearchPairs(exact))); n > 0 && p != n-1 || strings.Contains(exact, "\u0640") {
			t.Fatalf("%q: %d words, %d pairs, or a tatweel in a word", s, n, p)
		}
		if len(strings.Fields(exact)) > len(strings.Fields(stems)) {
			t.Fatalf("%q: %q has fewer stems than %q words", s, stems, exact)
		}
		for _, sp := range jihat.Highlight(s, jihat.ParseSearch(s)) {
			if sp.Start < 0 || sp.End <= sp.Start || sp.End > len(utf16.Encode([]rune(s))) {
				t.Fatalf("bad span %v in %q", sp, s)
			}
		}
	})
}

// TestSpellingStems: every spelling of a query word's exact form (its alefs
// as ا أ إ آ, its ي as ي ى) has one of the word's stems or one of its
// SpellingStems, so the store may ask for those instead of the exact form
// (see SpellingStems); checked over the known words and random ones.
func TestSpellingStems(t *testing.T) {
	for _, tt := range []struct{ q, want string }{
		{"الغاء", "الغاء"},    // إلغاء keeps its ال
		{"المدرسة", "المدرس"}, // an article written with a hamza is no article
		{"إنارة", ""},         // no spelling changes the stem
		{"في", ""},
	} {
		extra, ok := jihat.ParseSearch(tt.q)[0].SpellingStems()
		if !ok || strings.Join(extra, " ") != tt.want {
			t.Errorf("%s: SpellingStems = %q, %v; want %q", tt.q, extra, ok, tt.want)
		}
	}
	if _, ok := jihat.ParseSearch(strings.Repeat("اي", 6))[0].SpellingStems(); ok {
		t.Error("12 letters to spell: want ok = false")
	}
	words := []string{"المدرسة", "إلغاء", "الغاء", "إلهام", "الهام", "مستشفى", "مستشفي", "ليلى", "إلى", "الي", "أيام",
		"والإسكان", "بالإيجار", "للأولى", "وزارة", "الله", "فاتورة", "استيراد", "ايا", "اا", "يي"}
	rng := rand.New(rand.NewPCG(7, 8))
	letters := []rune("اأإآيىلوبكفهنتمس")
	for range 3000 {
		w := make([]rune, 2+rng.IntN(6))
		for i := range w {
			w[i] = letters[rng.IntN(len(letters))]
		}
		words = append(words, string(w))
	}
	for _, q := range words {
		terms := jihat.ParseSearch(q)
		if len(terms) != 1 {
			continue
		}
		term := terms[0]
		extra, ok := term.SpellingStems()
		if !ok {
			continue
		}
		asked := append(slices.Clone(term.Stems()), extra...)
		for _, w := range spellings([]rune(term.Exact)) {
			exact, stems := jihat.SearchDoc(w)
			if exact != term.Exact {
				t.Fatalf("%q: spelling %q has the exact form %q", term.Exact, w, exact)
			}
			if !slices.ContainsFunc(strings.Fields(stems), func(s string) bool { return slices.Contains(asked, s) }) {
				t.Errorf("query %q (stems %v, spelling stems %v): the document word %q (stems %q) is found by neither",
					q, term.Stems(), extra, w, stems)
			}
		}
	}
}

// spellings returns every word whose exact form is r: each ا as ا أ إ آ,
// each ي as ي ى.
func spellings(r []rune) []string {
	out := []string{""}
	for _, c := range r {
		alts := []rune{c}
		switch c {
		case 'ا':
			alts = []rune("اأإآ")
		case 'ي':
			alts = []rune("يى")
		}
		var next []string
		for _, p := range out {
			for _, a := range alts {
				next = append(next, p+string(a))
			}
		}
		out = next
	}
	return out
}
