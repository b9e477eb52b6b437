package jihat

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestLoadTimeZoneWithoutDatabase(t *testing.T) {
	noDB := func(string) (*time.Location, error) { return nil, errors.New("no tzdata") }
	tests := []struct {
		name    string
		offset  int // seconds east of UTC; -1 when an error is expected
		display string
	}{
		{"", 3 * 3600, "Asia/Riyadh"},
		{"Asia/Riyadh", 3 * 3600, "Asia/Riyadh"},
		{"Asia/Dubai", 4 * 3600, "Asia/Dubai"},
		{"Africa/Cairo", -1, ""}, // has daylight saving: no safe fallback
		{"Mars/Olympus", -1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			loc, err := loadTimeZone(tt.name, noDB)
			if tt.offset < 0 {
				if ErrorCode(err) != EINVALID || AsError(err).Fields["time_zone"] != "invalid_time_zone" {
					t.Fatalf("err = %v, want EINVALID on time_zone", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			name, off := time.Date(2026, 7, 1, 12, 0, 0, 0, loc).Zone()
			if off != tt.offset || name != tt.display {
				t.Fatalf("zone = %s %d, want %s %d", name, off, tt.display, tt.offset)
			}
		})
	}
	if _, err := LoadTimeZone("Not/AZone"); ErrorCode(err) != EINVALID {
		t.Fatalf("LoadTimeZone(Not/AZone) err = %v, want EINVALID", err)
	}
}

func TestCalendarConfig(t *testing.T) {
	riyadh, err := LoadTimeZone("Asia/Riyadh")
	if err != nil {
		t.Fatal(err)
	}
	d := func(y int, m time.Month, day int) CivilDate { return CivilDate{y, m, day} }
	tests := []struct {
		name   string
		cfg    CalendarConfig
		want   Calendar
		fields map[string]string // expected failures, nil when valid
	}{
		{
			name: "empty is the default",
			cfg:  CalendarConfig{},
			want: Calendar{Location: riyadh, Workdays: DefaultWorkdays(), DayStart: 8 * time.Hour, DayEnd: 15 * time.Hour},
		},
		{
			name: "everything set",
			cfg: CalendarConfig{
				TimeZone: "Asia/Riyadh", Workdays: []string{"mon", "Tuesday", " WED "}, Start: "09:30", End: "24:00",
				Holidays: []string{"2026-03-30", "2026-12-31..2027-01-02"},
			},
			want: Calendar{
				Location: riyadh, Workdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday},
				DayStart: 9*time.Hour + 30*time.Minute, DayEnd: 24 * time.Hour,
				Holidays: []CivilDate{d(2026, 3, 30), d(2026, 12, 31), d(2027, 1, 1), d(2027, 1, 2)},
			},
		},
		{name: "unknown zone", cfg: CalendarConfig{TimeZone: "Nowhere/City"}, fields: map[string]string{"time_zone": "invalid_time_zone"}},
		{name: "unknown day", cfg: CalendarConfig{Workdays: []string{"sunxday"}}, fields: map[string]string{"workdays": "invalid_workdays"}},
		{name: "empty day", cfg: CalendarConfig{Workdays: []string{""}}, fields: map[string]string{"workdays": "invalid_workdays"}},
		{name: "end before start", cfg: CalendarConfig{Start: "15:00", End: "08:00"}, fields: map[string]string{"hours": "invalid_working_hours"}},
		{name: "equal hours", cfg: CalendarConfig{Start: "08:00", End: "08:00"}, fields: map[string]string{"hours": "invalid_working_hours"}},
		{name: "only start", cfg: CalendarConfig{Start: "08:00"}, fields: map[string]string{"hours": "invalid_working_hours"}},
		{name: "bad clock", cfg: CalendarConfig{Start: "-1:00", End: "15:00"}, fields: map[string]string{"hours": "invalid_working_hours"}},
		{name: "past midnight", cfg: CalendarConfig{Start: "08:00", End: "24:01"}, fields: map[string]string{"hours": "invalid_working_hours"}},
		{name: "bad holiday", cfg: CalendarConfig{Holidays: []string{"2026-02-30"}}, fields: map[string]string{"holidays": "invalid_holidays"}},
		{name: "reversed range", cfg: CalendarConfig{Holidays: []string{"2026-03-05..2026-03-01"}}, fields: map[string]string{"holidays": "invalid_holidays"}},
		{name: "range too long", cfg: CalendarConfig{Holidays: []string{"2020-01-01..2029-12-31"}}, fields: map[string]string{"holidays": "invalid_holidays"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.cfg.Calendar()
			if tt.fields != nil {
				if e := AsError(err); err == nil || e.Code != EINVALID || !reflect.DeepEqual(e.Fields, tt.fields) {
					t.Fatalf("err = %#v, want fields %v", err, tt.fields)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Location.String() != tt.want.Location.String() {
				t.Errorf("Location = %s, want %s", got.Location, tt.want.Location)
			}
			got.Location, tt.want.Location = nil, nil
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Calendar = %+v\nwant       %+v", got, tt.want)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("Validate: %v", err)
			}
		})
	}
}

func TestCalendarConfigRoundTrip(t *testing.T) {
	cfg := CalendarConfig{
		TimeZone: "Africa/Cairo", Workdays: []string{"sun", "mon", "tue", "wed", "thu"},
		Start: "09:00", End: "17:00", Holidays: []string{"2026-04-13", "2026-04-14"},
	}
	c, err := cfg.Calendar()
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Config(); !reflect.DeepEqual(got, cfg) {
		t.Fatalf("Config() = %+v, want %+v", got, cfg)
	}
	zero := Calendar{}.Config()
	want := CalendarConfig{TimeZone: "Asia/Riyadh", Workdays: []string{"sun", "mon", "tue", "wed", "thu"}, Start: "08:00", End: "15:00"}
	if !reflect.DeepEqual(zero, want) {
		t.Fatalf("zero Config() = %+v, want %+v", zero, want)
	}
}

func TestCalendarValidate(t *testing.T) {
	tests := []struct {
		name   string
		c      Calendar
		fields map[string]string
	}{
		{"default", DefaultCalendar(), nil},
		{"no days", Calendar{DayStart: time.Hour, DayEnd: 2 * time.Hour}, map[string]string{"workdays": "invalid_workdays"}},
		{"bad weekday", Calendar{Workdays: []time.Weekday{7}, DayStart: time.Hour, DayEnd: 2 * time.Hour}, map[string]string{"workdays": "invalid_workdays"}},
		{"seconds", Calendar{Workdays: DefaultWorkdays(), DayStart: time.Second, DayEnd: 2 * time.Hour}, map[string]string{"hours": "invalid_working_hours"}},
		{"over a day", Calendar{Workdays: DefaultWorkdays(), DayStart: 0, DayEnd: 25 * time.Hour}, map[string]string{"hours": "invalid_working_hours"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.c.Validate()
			if tt.fields == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !reflect.DeepEqual(AsError(err).Fields, tt.fields) {
				t.Fatalf("err = %v, want fields %v", err, tt.fields)
			}
		})
	}
	// An invalid calendar still computes, with the default parts.
	bad := Calendar{Workdays: []time.Weekday{9}, DayStart: 5 * time.Hour, DayEnd: time.Hour}
	start := time.Date(2026, 3, 5, 14, 0, 0, 0, riyadhFixed)
	if got, want := bad.AddWorking(start, 2*time.Hour), time.Date(2026, 3, 8, 9, 0, 0, 0, riyadhFixed); !got.Equal(want) {
		t.Fatalf("invalid calendar AddWorking = %s, want %s", got, want)
	}
}

func TestCivilDate(t *testing.T) {
	for _, s := range []string{"2026-01-01", "2028-02-29"} {
		d, err := ParseCivilDate(s)
		if err != nil || d.String() != s {
			t.Errorf("ParseCivilDate(%q) = %v, %v", s, d, err)
		}
	}
	for _, s := range []string{"", "2026-1-1", "2027-02-29", "2026-03-05T00:00:00Z", "٢٠٢٦-٠١-٠١"} {
		if _, err := ParseCivilDate(s); ErrorCode(err) != EINVALID {
			t.Errorf("ParseCivilDate(%q) err = %v, want EINVALID", s, err)
		}
	}
}
