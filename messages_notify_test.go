package jihat

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"text/template"
)

// TestNotifyMessages checks the notification texts: both languages present
// (Arabic letters in one, none in the other), no key shared with the other
// maps, every notify.* text a template that parses, and both languages of a
// template using the same fields, so no language loses a detail.
func TestNotifyMessages(t *testing.T) {
	fields := regexp.MustCompile(`\.[A-Z][A-Za-z]*`)
	for key, tx := range notifyMessages {
		if !strings.ContainsFunc(tx.ar, isArabic) {
			t.Errorf("%s: Arabic text %q has no Arabic letters", key, tx.ar)
		}
		if strings.TrimSpace(tx.en) == "" || strings.ContainsFunc(tx.en, isArabic) {
			t.Errorf("%s: English text %q is empty or not English", key, tx.en)
		}
		if !HasMessage(key) || Message(LangEN, key) != tx.en || Message(LangAR, key) != tx.ar {
			t.Errorf("%s: Message and HasMessage do not read notifyMessages", key)
		}
		if !strings.HasPrefix(key, "notify.") {
			continue
		}
		for _, s := range []string{tx.ar, tx.en} {
			if _, err := template.New(key).Parse(s); err != nil {
				t.Errorf("%s: %v", key, err)
			}
		}
		ar, en := fields.FindAllString(tx.ar, -1), fields.FindAllString(tx.en, -1)
		slices.Sort(ar)
		slices.Sort(en)
		if !slices.Equal(slices.Compact(ar), slices.Compact(en)) {
			t.Errorf("%s: fields differ: ar %v, en %v", key, ar, en)
		}
	}
}
