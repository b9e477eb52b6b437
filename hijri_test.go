package jihat_test

import (
	"testing"
	"time"

	"github.com/jihat/jihat"
)

// Known Umm al-Qura dates, as announced (first days of Ramadan, Shawwal,
// Muharram) and from the ends of the table.
var knownHijri = []struct {
	greg string
	h    jihat.HijriDate
}{
	{"1945-12-05", jihat.HijriDate{Year: 1365, Month: 1, Day: 1}},
	{"2023-04-21", jihat.HijriDate{Year: 1444, Month: 10, Day: 1}},
	{"2024-03-11", jihat.HijriDate{Year: 1445, Month: 9, Day: 1}},
	{"2024-04-10", jihat.HijriDate{Year: 1445, Month: 10, Day: 1}},
	{"2024-07-07", jihat.HijriDate{Year: 1446, Month: 1, Day: 1}},
	{"2025-06-26", jihat.HijriDate{Year: 1447, Month: 1, Day: 1}},
	{"2026-02-18", jihat.HijriDate{Year: 1447, Month: 9, Day: 1}},
	{"2026-12-03", jihat.HijriDate{Year: 1448, Month: 6, Day: 23}},
	{"2077-11-16", jihat.HijriDate{Year: 1500, Month: 12, Day: 30}},
}

func TestHijriKnownDates(t *testing.T) {
	for _, k := range knownHijri {
		g, err := time.Parse("2006-01-02", k.greg)
		if err != nil {
			t.Fatal(err)
		}
		h, ok := jihat.ToHijri(g)
		if !ok || h != k.h {
			t.Errorf("ToHijri(%s) = %v, %v; want %v", k.greg, h, ok, k.h)
		}
		back, ok := jihat.FromHijri(k.h)
		if !ok || !back.Equal(g) {
			t.Errorf("FromHijri(%v) = %v, %v; want %s", k.h, back, ok, k.greg)
		}
	}
}

// TestHijriRoundTrip walks every day of the table: days follow each other,
// months have 29 or 30 days, and the conversion goes both ways.
func TestHijriRoundTrip(t *testing.T) {
	d := time.Date(1945, 12, 5, 0, 0, 0, 0, time.UTC)
	prev, _ := jihat.ToHijri(d)
	for d = d.AddDate(0, 0, 1); ; d = d.AddDate(0, 0, 1) {
		h, ok := jihat.ToHijri(d)
		if !ok {
			break
		}
		switch {
		case h.Year == prev.Year && h.Month == prev.Month && h.Day == prev.Day+1:
		case h.Day == 1 && (prev.Day == 29 || prev.Day == 30) &&
			((h.Year == prev.Year && h.Month == prev.Month+1) || (h.Year == prev.Year+1 && h.Month == 1 && prev.Month == 12)):
		default:
			t.Fatalf("%s: %v follows %v", d.Format("2006-01-02"), h, prev)
		}
		if back, ok := jihat.FromHijri(h); !ok || !back.Equal(d) {
			t.Fatalf("FromHijri(%v) = %v, want %v", h, back, d)
		}
		prev = h
	}
	if d.Format("2006-01-02") != "2077-11-17" {
		t.Errorf("table ends before %s, want 2077-11-17", d.Format("2006-01-02"))
	}
	if _, ok := jihat.ToHijri(time.Date(1945, 12, 4, 0, 0, 0, 0, time.UTC)); ok {
		t.Error("a date before the table converted")
	}
	if _, ok := jihat.FromHijri(jihat.HijriDate{Year: 1445, Month: 9, Day: 31}); ok {
		t.Error("31 Ramadan converted")
	}
}

// TestHijriZone: the civil date is taken in the time's own zone; 22:00 UTC
// on 10 March 2024 is already 11 March (1 Ramadan) in Riyadh.
func TestHijriZone(t *testing.T) {
	riyadh := time.FixedZone("AST", 3*3600)
	at := time.Date(2024, 3, 10, 22, 0, 0, 0, time.UTC)
	if h, _ := jihat.ToHijri(at); h.Day != 29 || h.Month != 8 {
		t.Errorf("UTC: %v, want 29 Shaban 1445 (a month of 29 days)", h)
	}
	h, _ := jihat.ToHijri(at.In(riyadh))
	if h != (jihat.HijriDate{Year: 1445, Month: 9, Day: 1}) {
		t.Errorf("Riyadh: %v", h)
	}
	if got := h.Format(jihat.LangAR); got != "1 رمضان 1445 هـ" {
		t.Errorf("Arabic %q", got)
	}
	if got := h.Format(jihat.LangEN); got != "1 Ramadan 1445 AH" {
		t.Errorf("English %q", got)
	}
}
