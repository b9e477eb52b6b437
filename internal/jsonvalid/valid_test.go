package jsonvalid

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

var validSeeds = []string{
	`{}`, `[]`, `{"a":1}`, ` {"a" : [1, 2.5, -0.1e+3, true, false, null, "x\"\\\/\b\f\n\r\t\u00e9"]} `,
	`"text"`, `0`, `-0`, `01`, `1.`, `.1`, `1e`, `1e+`, `-`, `--1`, `1E5`, `[1,]`, `{"a":1,}`, `{"a"}`, `{a:1}`,
	`"\u12"`, `"\u12g4"`, `"\x"`, "\"\x01\"", "\"\xff\xfe\"", `tru`, `nul`, `falsey`, `[`, `{`, `"`, ``, ` `,
	`{"id":"e","seq":12,"type":"comment","data":{"body":"load:1700000000000000000"},"actor":{"id":"u","name":"سارة"}}`,
	`[[[[[[]]]]]]`, `{"a":{"b":{"c":[{}]}}}`, `1 2`, `{}{}`, "\t\r\n[]\n",
}

func FuzzValid(f *testing.F) {
	for _, s := range validSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := Valid(b), json.Valid(b); got != want {
			t.Fatalf("Valid(%q) = %v, json.Valid says %v", b, got, want)
		}
		// Prefix: the value it delimits is valid, and so is b exactly
		// when only white space follows.
		if end, ok := Prefix(b); ok {
			if !json.Valid(b[:end]) {
				t.Fatalf("Prefix(%q) = %d: %q is not valid", b, end, b[:end])
			}
			if json.Valid(b) != (len(bytes.TrimLeft(b[end:], " \t\r\n")) == 0) {
				t.Fatalf("Prefix(%q) = %d, json.Valid = %v", b, end, json.Valid(b))
			}
		}
	})
}

// TestValidNesting: the limit of encoding/json, 10,000 levels.
func TestValidNesting(t *testing.T) {
	for _, n := range []int{maxNesting, maxNesting + 1} {
		b := []byte(strings.Repeat("[", n) + strings.Repeat("]", n))
		if got, want := Valid(b), json.Valid(b); got != want {
			t.Errorf("%d levels: validJSON %v, json.Valid %v", n, got, want)
		}
	}
}

func BenchmarkValid(b *testing.B) {
	data := []byte(`{"id":"0195a0c2-7d4e-7c4b-9a31-2b8f0e6d1c55","seq":12,"type":"comment","at":"2026-12-03T17:25:54.123456Z","data":{"body":"load:1700000000000000000 ` +
		strings.Repeat("x", 230) + `","visibility":"public"},"actor":{"id":"0195a0c2-7d4e-7c4b-9a31-2b8f0e6d1c56","name":"سارة"}}`)
	b.Run("Valid", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			Valid(data)
		}
	})
	b.Run("json.Valid", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			json.Valid(data)
		}
	})
	// A case event as the server sends it: many short strings (ids, keys).
	event := []byte(`{"id":"01a24128-bded-7417-89ba-90153baeaff8","case_id":"01a24128-b2c6-7a15-9103-01fcb8791944",` +
		`"seq":3,"channel":"case:01a24128-b2c6-7a15-9103-01fcb8791944","type":"comment","actor":{"id":` +
		`"01a24128-8ec9-7498-894a-cab9cd39372d","name":"مستخدم حمل 1"},"visibility":"public","data":{"body":` +
		`"load:1764853518829251000 ` + strings.Repeat("x", 230) + `"},"created_at":"2026-12-04T13:05:18.829251Z"}`)
	b.Run("case event", func(b *testing.B) {
		b.SetBytes(int64(len(event)))
		for b.Loop() {
			Valid(event)
		}
	})
	long := []byte(`"` + strings.Repeat("x", 256) + `"`)
	b.Run("long string", func(b *testing.B) {
		b.SetBytes(int64(len(long)))
		for b.Loop() {
			Valid(long)
		}
	})
}

// TestValidStringEveryPosition: a quote, backslash, escape or control
// character at every position of a long string (the eight-byte skip of
// validString), against json.Valid.
func TestValidStringEveryPosition(t *testing.T) {
	specials := []string{`"`, `\`, `\"`, `\\`, `\n`, `\u00e9`, `\u00g9`, `\x`, "\x00", "\x1f", "\n", "\x7f", "é", "\xff"}
	for n := 0; n < 40; n++ {
		for i := 0; i <= n; i++ {
			for _, sp := range specials {
				body := strings.Repeat("a", i) + sp + strings.Repeat("b", n-i)
				for _, doc := range []string{`"` + body + `"`, `{"k":"` + body + `","v":1}`, `"` + body} {
					if got, want := Valid([]byte(doc)), json.Valid([]byte(doc)); got != want {
						t.Fatalf("Valid(%q) = %v, json.Valid says %v", doc, got, want)
					}
				}
			}
		}
	}
}

// TestValidStringTwoSpecials: two bytes validString must look at in one
// string, at every pair of positions, against json.Valid. A special byte
// can mark bytes above it in special8's word (a borrow); the first one must
// win, so a later quote never hides an earlier control character or
// backslash, nor an earlier quote a later one.
func TestValidStringTwoSpecials(t *testing.T) {
	specials := []string{`"`, `\`, `\"`, `\u00e9`, "\x00", "\x1f", "\x01", "\xff", "!", "#"}
	const n = 20
	for i := 0; i <= n; i++ {
		for j := i; j <= n; j++ {
			for _, a := range specials {
				for _, b := range specials {
					body := strings.Repeat("a", i) + a + strings.Repeat("b", j-i) + b + strings.Repeat("c", n-j)
					for _, doc := range []string{`"` + body + `"`, `["` + body + `",0]`} {
						if got, want := Valid([]byte(doc)), json.Valid([]byte(doc)); got != want {
							t.Fatalf("Valid(%q) = %v, json.Valid says %v", doc, got, want)
						}
						end, ok := Prefix([]byte(doc))
						if ok && !json.Valid([]byte(doc[:end])) {
							t.Fatalf("Prefix(%q) = %d: %q is not valid", doc, end, doc[:end])
						}
					}
				}
			}
		}
	}
}
