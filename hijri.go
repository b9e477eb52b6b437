package jihat

import (
	"fmt"
	"time"
)

// HijriDate is a date of the Umm al-Qura calendar, the official Hijri
// calendar of Saudi Arabia: Year (AH), Month 1..12 (Muharram..Dhu al-Hijjah),
// Day 1..30.
type HijriDate struct {
	Year, Month, Day int
}

// Range of the Umm al-Qura table below: 1 Muharram 1365 (5 December 1945)
// to the end of 1500 AH (16 November 2077).
const (
	hijriFirstYear = 1365
	hijriFirstDay  = -8793 // 1 Muharram 1365 in days since 1970-01-01
)

// ummAlQura holds, for each Hijri year from hijriFirstYear, the lengths of
// its twelve months: bit m-1 is set when month m has 30 days, clear when it
// has 29. The lengths are those of the Umm al-Qura calendar as published by
// King Abdulaziz City for Science and Technology (the month starts every
// converter of this calendar tabulates); earlier years had irregular months
// and are not covered.
var ummAlQura = [...]uint16{
	0xd55, 0x555, 0x555, 0xd55, 0x6d5, 0x555, 0xea5, 0xd2a, 0xaaa, 0xcd5, // 1365
	0x655, 0x572, 0xda9, 0x555, 0xaaa, 0x555, 0x52d, 0xa6d, 0x55a, 0x555, // 1375
	0x74d, 0xd53, 0xd54, 0x556, 0xd55, 0x2d5, 0xd55, 0xd54, 0xd45, 0x655, // 1385
	0x52d, 0xa5d, 0x55a, 0xad5, 0x6aa, 0xd4b, 0x52a, 0xa57, 0x4ae, 0x976, // 1395
	0x56c, 0xb55, 0xaaa, 0xa55, 0x4ad, 0x95d, 0x2da, 0x5d9, 0xdb2, 0xba4, // 1405
	0xb4a, 0xa55, 0x2b5, 0x575, 0xb6a, 0xbd2, 0xbc4, 0xb89, 0xa95, 0x52d, // 1415
	0x5ad, 0xb6a, 0x6d4, 0xdc9, 0xd92, 0xaa6, 0x956, 0x2ae, 0x56d, 0x36a, // 1425
	0xb55, 0xaaa, 0x94d, 0x49d, 0x95d, 0x2ba, 0x5b5, 0x5aa, 0xd55, 0xa9a, // 1435
	0x92e, 0x26e, 0x55d, 0xada, 0x6d4, 0x6a5, 0x54b, 0xa97, 0x54e, 0xaae, // 1445
	0x5ac, 0xba9, 0xd92, 0xb25, 0x64b, 0xcab, 0x55a, 0xb55, 0x6d2, 0xea5, // 1455
	0xe4a, 0xa95, 0x52d, 0xaad, 0x36c, 0x759, 0x6d2, 0x695, 0x52d, 0xa5b, // 1465
	0x4ba, 0x9ba, 0x3b4, 0xb69, 0xb52, 0xaa6, 0x4b6, 0x96d, 0x2ec, 0x6d9, // 1475
	0xeb2, 0xd54, 0xd2a, 0xa56, 0x4ae, 0x96d, 0xd6a, 0xb54, 0xb29, 0xa93, // 1485
	0x52b, 0xa57, 0x536, 0xab5, 0x6aa, 0xe93, // 1495
}

// hijriMonthLen returns the number of days of month m (1..12) of year y, or
// 0 outside the table.
func hijriMonthLen(y, m int) int {
	i := y - hijriFirstYear
	if i < 0 || i >= len(ummAlQura) || m < 1 || m > 12 {
		return 0
	}
	if ummAlQura[i]&(1<<(m-1)) != 0 {
		return 30
	}
	return 29
}

// civilDays returns the days since 1970-01-01 of the civil date of t (its
// year, month and day in t's own location).
func civilDays(t time.Time) int {
	y, m, d := t.Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400) // exact: midnight UTC
}

// ToHijri returns the Umm al-Qura date of the civil date of t (in t's
// location: pass a time in the entity's zone). ok is false outside 1365–1500 AH.
func ToHijri(t time.Time) (h HijriDate, ok bool) {
	n := civilDays(t) - hijriFirstDay
	if n < 0 {
		return HijriDate{}, false
	}
	for y := hijriFirstYear; y < hijriFirstYear+len(ummAlQura); y++ {
		for m := 1; m <= 12; m++ {
			l := hijriMonthLen(y, m)
			if n < l {
				return HijriDate{Year: y, Month: m, Day: n + 1}, true
			}
			n -= l
		}
	}
	return HijriDate{}, false
}

// FromHijri returns the Gregorian date (midnight UTC) of an Umm al-Qura
// date, and false when it is not a valid date of the table.
func FromHijri(h HijriDate) (time.Time, bool) {
	if h.Day < 1 || h.Day > hijriMonthLen(h.Year, h.Month) {
		return time.Time{}, false
	}
	n := hijriFirstDay + h.Day - 1
	for y := hijriFirstYear; y <= h.Year; y++ {
		for m := 1; m <= 12; m++ {
			if y == h.Year && m == h.Month {
				return time.Unix(int64(n)*86400, 0).UTC(), true
			}
			n += hijriMonthLen(y, m)
		}
	}
	return time.Time{}, false
}

// hijriMonths names the Hijri months in Arabic and in English.
var hijriMonths = [2][12]string{
	{"محرم", "صفر", "ربيع الأول", "ربيع الآخر", "جمادى الأولى", "جمادى الآخرة", "رجب", "شعبان", "رمضان", "شوال", "ذو القعدة", "ذو الحجة"},
	{"Muharram", "Safar", "Rabi al-Awwal", "Rabi al-Thani", "Jumada al-Ula", "Jumada al-Akhirah", "Rajab", "Shaban", "Ramadan", "Shawwal", "Dhu al-Qadah", "Dhu al-Hijjah"},
}

// Format writes h for people: "12 رمضان 1445 هـ" in Arabic, "12 Ramadan
// 1445 AH" in English.
func (h HijriDate) Format(lang Lang) string {
	if h.Month < 1 || h.Month > 12 {
		return ""
	}
	if lang == LangEN {
		return fmt.Sprintf("%d %s %d AH", h.Day, hijriMonths[1][h.Month-1], h.Year)
	}
	return fmt.Sprintf("%d %s %d هـ", h.Day, hijriMonths[0][h.Month-1], h.Year)
}

// String is the ISO-like form 1445-09-12.
func (h HijriDate) String() string { return fmt.Sprintf("%04d-%02d-%02d", h.Year, h.Month, h.Day) }
