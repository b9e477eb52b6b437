package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"html/template"
	"strings"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Period reports: one entity's figures for a period, in total and by
// department, case type, employee and priority, as a printable HTML page
// (right to left in Arabic, the entity's name, the period in Hijri Umm
// al-Qura and Gregorian) or as CSV (UTF-8 with a byte order mark, so
// spreadsheet programs read Arabic; fields quoted by encoding/csv).

// report is what both formats show.
type report struct {
	Lang      jihat.Lang
	Entity    string
	Period    periodView
	FromHijri string // formatted, in the report's language
	ToHijri   string
	FromGreg  string
	ToGreg    string
	Generated string
	Total     figuresView
	Sections  []reportSection
}

type reportSection struct {
	Group  string // department, case_type, employee, priority
	Title  string
	Groups []figuresView
}

// Report builds the period report of an entity for u.
func (s *Server) Report(ctx context.Context, u *jihat.User, entityID string, q StatsQuery) (*report, error) {
	total, err := s.EntityStats(ctx, u, entityID, q)
	if err != nil {
		return nil, err
	}
	ent, err := s.store.Entity(ctx, entityID)
	if err != nil {
		return nil, err
	}
	p, err := s.period(ent, q)
	if err != nil {
		return nil, err
	}
	r := &report{Lang: q.Lang, Entity: ent.NameAR, Period: total.Period, Total: total.figuresView}
	if q.Lang == jihat.LangEN {
		r.Entity = ent.NameEN
	}
	from, last := p.From.In(p.Loc), p.To.In(p.Loc).Add(-time.Nanosecond)
	r.FromGreg, r.ToGreg = from.Format("2006-01-02"), last.Format("2006-01-02")
	if h, ok := jihat.ToHijri(from); ok {
		r.FromHijri = h.Format(q.Lang)
	}
	if h, ok := jihat.ToHijri(last); ok {
		r.ToHijri = h.Format(q.Lang)
	}
	r.Generated = s.now().In(p.Loc).Format("2006-01-02 15:04")
	for _, g := range []store.StatsGroup{store.GroupDepartment, store.GroupCaseType, store.GroupEmployee, store.GroupPriority} {
		sub := q
		sub.By = string(g)
		b, err := s.Breakdown(ctx, u, entityID, sub)
		if err != nil {
			return nil, err
		}
		r.Sections = append(r.Sections, reportSection{Group: string(g), Title: jihat.Message(q.Lang, "stats_by_"+string(g)), Groups: b.Groups})
	}
	return r, nil
}

// reportCSS is the report's whole style; the page's Content-Security-Policy
// allows exactly this block (by its hash) and nothing else.
const reportCSS = `body{font-family:"Noto Naskh Arabic","Segoe UI",Tahoma,sans-serif;margin:2rem;color:#111}
h1{font-size:1.5rem;margin-block-end:.25rem}h2{font-size:1.15rem;margin-block-start:1.5rem}
table{border-collapse:collapse;width:100%;margin-block:.5rem}th,td{border:1px solid #999;padding:.3rem .5rem;text-align:start}
td.n{text-align:end;font-variant-numeric:tabular-nums}.meta{color:#444}
@media print{body{margin:0}h2{break-after:avoid}table{break-inside:auto}tr{break-inside:avoid}}`

// ReportCSP is the Content-Security-Policy of the HTML report.
var ReportCSP = func() string {
	sum := sha256.Sum256([]byte(reportCSS))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; frame-ancestors 'self'"
}()

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"t":   func(lang jihat.Lang, key string) string { return jihat.Message(lang, key) },
	"num": func(v *float64) string { return fmtNum(v, 1) },
	"hours": func(v *float64) string {
		if v == nil {
			return "—"
		}
		h := *v / 3600
		return fmtNum(&h, 1)
	},
	"status": func(lang jihat.Lang, s string) string { return jihat.Status(s).Label(lang) },
	"dir": func(lang jihat.Lang) string {
		if lang == jihat.LangEN {
			return "ltr"
		}
		return "rtl"
	},
	"statuses": func() []string {
		out := make([]string, len(jihat.Statuses))
		for i, s := range jihat.Statuses {
			out[i] = string(s)
		}
		return out
	},
	"css": func() template.CSS { return template.CSS(reportCSS) },
}).Parse(`<!doctype html>
<html lang="{{.Lang}}" dir="{{dir .Lang}}">
<head><meta charset="utf-8"><title>{{t .Lang "stats_report_title"}} — {{.Entity}}</title>
<style>{{css}}</style></head>
<body>
<h1>{{t .Lang "stats_report_title"}}: {{.Entity}}</h1>
<p class="meta">{{t .Lang "stats_report_period"}}: {{t .Lang "stats_hijri"}} {{.FromHijri}} – {{.ToHijri}} · {{t .Lang "stats_gregorian"}} {{.FromGreg}} – {{.ToGreg}} ({{.Period.TimeZone}})</p>
<p class="meta">{{t .Lang "stats_report_generated"}}: {{.Generated}}</p>
<table>
<tr><th>{{t .Lang "stats_total"}}</th><th>{{t .Lang "stats_completed"}}</th><th>{{t .Lang "stats_open"}}</th><th>{{t .Lang "stats_late"}}</th><th>{{t .Lang "stats_resolved_in_period"}}</th><th>{{t .Lang "stats_sla_met"}} %</th><th>{{t .Lang "stats_avg_first_response"}}</th><th>{{t .Lang "stats_avg_resolution"}}</th><th>{{t .Lang "stats_objection_rate"}} %</th><th>{{t .Lang "stats_escalations"}}</th><th>{{t .Lang "stats_avg_rating"}}</th></tr>
<tr><td class="n">{{.Total.Total}}</td><td class="n">{{.Total.Completed}}</td><td class="n">{{.Total.Open}}</td><td class="n">{{.Total.Late}}</td><td class="n">{{.Total.ResolvedInPeriod}}</td><td class="n">{{num .Total.SLAMetPct}}</td><td class="n">{{hours .Total.AvgFirstResponseS}}</td><td class="n">{{hours .Total.AvgResolutionS}}</td><td class="n">{{num .Total.ObjectionRatePct}}</td><td class="n">{{.Total.Escalations}}</td><td class="n">{{num .Total.AvgRating}}</td></tr>
</table>
<h2>{{t .Lang "stats_by_status"}}</h2>
<table><tr><th>{{t .Lang "stats_status"}}</th><th>{{t .Lang "stats_count"}}</th></tr>
{{$r := .}}{{range statuses}}<tr><td>{{status $r.Lang .}}</td><td class="n">{{index $r.Total.ByStatus .}}</td></tr>
{{end}}</table>
{{range .Sections}}<h2>{{.Title}}</h2>
<table><tr><th>{{t $r.Lang "stats_name"}}</th><th>{{t $r.Lang "stats_total"}}</th><th>{{t $r.Lang "stats_completed"}}</th><th>{{t $r.Lang "stats_open"}}</th><th>{{t $r.Lang "stats_late"}}</th><th>{{t $r.Lang "stats_sla_met"}} %</th><th>{{t $r.Lang "stats_avg_resolution"}}</th><th>{{t $r.Lang "stats_avg_rating"}}</th></tr>
{{range .Groups}}<tr><td>{{.Name}}</td><td class="n">{{.Total}}</td><td class="n">{{.Completed}}</td><td class="n">{{.Open}}</td><td class="n">{{.Late}}</td><td class="n">{{num .SLAMetPct}}</td><td class="n">{{hours .AvgResolutionS}}</td><td class="n">{{num .AvgRating}}</td></tr>
{{end}}</table>
{{end}}</body></html>
`))

func fmtNum(v *float64, prec int) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.*f", prec, *v)
}

// HTML renders the report as a printable page.
func (r *report) HTML() ([]byte, error) {
	var b bytes.Buffer
	err := reportTemplate.Execute(&b, r)
	return b.Bytes(), err
}

// utf8BOM starts the CSV so spreadsheet programs read it as UTF-8.
const utf8BOM = "\ufeff"

// CSV renders the report as comma-separated values: a heading block (the
// entity, the period in both calendars), then one row per group.
func (r *report) CSV() ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(utf8BOM)
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	lang := r.Lang
	rows := [][]string{
		{jihat.Message(lang, "stats_report_title"), r.Entity},
		{jihat.Message(lang, "stats_report_period") + " (" + jihat.Message(lang, "stats_gregorian") + ")", r.FromGreg, r.ToGreg},
		{jihat.Message(lang, "stats_report_period") + " (" + jihat.Message(lang, "stats_hijri") + ")", r.FromHijri, r.ToHijri},
		{},
		{"group", "key", "name", "total", "completed", "open", "late", "resolved_in_period", "sla_met_pct",
			"avg_first_response_working_h", "avg_resolution_working_h", "objection_rate_pct", "escalations", "avg_rating"},
	}
	line := func(group string, f figuresView) []string {
		h := func(v *float64) string {
			if v == nil {
				return ""
			}
			x := *v / 3600
			return fmt.Sprintf("%.2f", x)
		}
		n := func(v *float64) string {
			if v == nil {
				return ""
			}
			return fmt.Sprintf("%.2f", *v)
		}
		return []string{group, f.Key, csvText(f.Name), fmt.Sprint(f.Total), fmt.Sprint(f.Completed), fmt.Sprint(f.Open),
			fmt.Sprint(f.Late), fmt.Sprint(f.ResolvedInPeriod), n(f.SLAMetPct), h(f.AvgFirstResponseS), h(f.AvgResolutionS),
			n(f.ObjectionRatePct), fmt.Sprint(f.Escalations), n(f.AvgRating)}
	}
	total := r.Total
	total.Name = r.Entity
	rows = append(rows, line("total", total))
	for _, st := range jihat.Statuses {
		rows = append(rows, []string{"status", string(st), st.Label(lang), fmt.Sprint(r.Total.ByStatus[string(st)])})
	}
	for _, sec := range r.Sections {
		for _, g := range sec.Groups {
			rows = append(rows, line(sec.Group, g))
		}
	}
	for i := range rows[:3] {
		rows[i][1] = csvText(rows[i][1])
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// csvText keeps a spreadsheet from running a name as a formula: a text
// that starts with =, +, - or @ gets a leading apostrophe.
func csvText(s string) string {
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		return "'" + s
	}
	return s
}
