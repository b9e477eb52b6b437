package jihat_test

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jihat/jihat"
)

func TestNormalizeArabic(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"taa marbuta", "مدرسة", "مدرسه"},
		{"heh stays", "مدرسه", "مدرسه"},
		{"hamza below", "إسلام", "اسلام"},
		{"hamza above", "أحمد", "احمد"},
		{"madda", "آمنة", "امنه"},
		{"wasla", "ٱلله", "الله"},
		{"tashkeel", "مُحَمَّد", "محمد"},
		{"tanween and sukun", "كتابًا مَكْتُوبٌ", "كتابا مكتوب"},
		{"superscript alef", "هٰذا", "هذا"},
		{"quranic marks", "الرَّحِيمِ ۝ ۖ", "الرحيم"},
		{"tatweel and alef maqsura", "مستشفـــى", "مستشفي"},
		{"alef maqsura", "مستشفى", "مستشفي"},
		{"waw hamza", "مؤسسة", "موسسه"},
		{"yeh hamza", "رئيس", "رييس"},
		{"lone hamza kept", "سماء", "سماء"},
		{"persian yeh and keheh", "کتابی", "كتابي"},
		{"arabic-indic digits", "٠١٢٣٤٥٦٧٨٩", "0123456789"},
		{"eastern digits", "۰۱۲۳۴۵۶۷۸۹", "0123456789"},
		{"case number", "رقم ٢٠٢٦-٠٠٠١٢٣", "رقم 2026 000123"},
		{"mixed with English", "طلب Passport تجديد", "طلب passport تجديد"},
		{"arabic punctuation", "لماذا؟ لأن، ببساطة؛ «نعم»", "لماذا لان ببساطه نعم"},
		{"latin punctuation and symbols", "Hello, World! (test) #1 $5 +9665", "hello world test 1 5 9665"},
		{"whitespace collapses", "  \tمدرسة \n\n  الرياض\u00a0 ", "مدرسه الرياض"},
		{"invisible marks removed", "مد\u200cرسة\u200f \ufeffالرياض", "مدرسه الرياض"},
		{"control characters", "a\x00b\x1fc\u0085d", "a b c d"},
		{"invalid UTF-8", "مدرسة\xff\xfeالنور", "مدرسه النور"},
		{"other scripts lower-cased", "ÉCOLE Straße ΑΘΗΝΑ", "école straße αθηνα"},
		{"empty", "", ""},
		{"only marks", "ـــَُِ", ""},
		{"only punctuation", "!!! ؟؟ ...", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := jihat.NormalizeArabic(tt.in)
			if got != tt.want {
				t.Fatalf("NormalizeArabic(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if again := jihat.NormalizeArabic(got); again != got {
				t.Fatalf("not idempotent: %q → %q", got, again)
			}
		})
	}
}

// TestNormalizeArabicMatches checks the pairs search must treat as equal.
func TestNormalizeArabicMatches(t *testing.T) {
	pairs := [][2]string{
		{"مدرسة", "مدرسه"},
		{"إسلام", "اسلام"},
		{"مُحَمَّد", "محمد"},
		{"مستشفـــى", "مستشفي"},
		{"الإسكان", "الاسكان"},
		{"طلب رقم ١٢٣", "طلب رقم 123"},
		{"PASSPORT renewal", "passport Renewal"},
	}
	for _, p := range pairs {
		if a, b := jihat.NormalizeArabic(p[0]), jihat.NormalizeArabic(p[1]); a != b {
			t.Errorf("%q → %q and %q → %q differ", p[0], a, p[1], b)
		}
	}
	if jihat.NormalizeArabic("سماء") == jihat.NormalizeArabic("سما") {
		t.Error("the lone hamza was dropped")
	}
}

func TestNormalizeArabicHuge(t *testing.T) {
	in := strings.Repeat("المَدْرَسَةُ الأولى، ", 50000) // about 1.7 MB
	got := jihat.NormalizeArabic(in)
	want := strings.TrimSpace(strings.Repeat("المدرسه الاولي ", 50000))
	if got != want {
		t.Fatalf("huge input: got %d bytes, want %d", len(got), len(want))
	}
}

func TestSearchTerms(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"words", "مدرسة النور", []string{"مدرسه", "النور"}},
		{"repeats removed after normalising", "مدرسة مدرسه مَدْرَسَة", []string{"مدرسه"}},
		{"single runes dropped", "و مدرسة ب 5", []string{"مدرسه"}},
		{"digits", "طلب ٢٠٢٦", []string{"طلب", "2026"}},
		{"mixed", "Passport جواز", []string{"passport", "جواز"}},
		{"empty", "", nil},
		{"only punctuation", "?!،؛", nil},
		{"at most eight", "aa bb cc dd ee ff gg hh ii jj", []string{"aa", "bb", "cc", "dd", "ee", "ff", "gg", "hh"}},
		{"long word cut", strings.Repeat("ب", 100), []string{strings.Repeat("ب", jihat.MaxSearchTermRunes)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jihat.SearchTerms(tt.in); !slices.Equal(got, tt.want) {
				t.Fatalf("SearchTerms(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSearchTermsHugeQuery(t *testing.T) {
	// A megabyte of one word: cut before normalising, still one valid term.
	q := strings.Repeat("مدرسة ", 200000)
	got := jihat.SearchTerms(q)
	if !slices.Equal(got, []string{"مدرسه"}) {
		t.Fatalf("SearchTerms(huge) = %q", got)
	}
	// A cut that falls inside a multi-byte rune keeps the result valid.
	q = "a" + strings.Repeat("ب", jihat.MaxSearchQueryBytes)
	for _, term := range jihat.SearchTerms(q) {
		if !utf8.ValidString(term) || utf8.RuneCountInString(term) > jihat.MaxSearchTermRunes {
			t.Fatalf("bad term %q", term)
		}
	}
}

func FuzzNormalizeArabic(f *testing.F) {
	for _, s := range []string{"", "مدرسة", "مُحَمَّد", "مستشفـــى ٢٠٢٦", "Hello, World!", "\xff\xfe", "a\u200cb", "İSTANBUL", "ǅ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := jihat.NormalizeArabic(s)
		if !utf8.ValidString(n) {
			t.Fatalf("invalid UTF-8 out of %q: %q", s, n)
		}
		if again := jihat.NormalizeArabic(n); again != n {
			t.Fatalf("not idempotent on %q: %q → %q", s, n, again)
		}
		if n != strings.TrimSpace(n) || strings.Contains(n, "  ") {
			t.Fatalf("space not collapsed: %q", n)
		}
		for _, term := range jihat.SearchTerms(s) {
			if term == "" || strings.ContainsRune(term, ' ') || !utf8.ValidString(term) {
				t.Fatalf("bad term %q from %q", term, s)
			}
		}
	})
}

func BenchmarkNormalizeArabic(b *testing.B) {
	s := "يوجد تسرّب مياه في الفصل الثالث بمدرسة الأمل الابتدائية منذ أسبوع، ولم تتم الاستجابة حتى الآن. رقم البلاغ ٢٠٢٦-٠٠٠١٢٣"
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		jihat.NormalizeArabic(s)
	}
}
