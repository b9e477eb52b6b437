package server

import (
	"bytes"
	"html/template"
	"time"

	"github.com/gofiber/fiber/v2"
)

// minutesPage is the printable minutes: right to left, Arabic first, no
// script; its only style is its own static <style>, which the page's CSP
// allows and nothing else.
var minutesPage = template.Must(template.New("minutes").Parse(`<!doctype html>
<html lang="ar" dir="rtl">
<head>
<meta charset="utf-8">
<title>محضر: {{.Title}}</title>
<style>
body { font-family: "Noto Naskh Arabic", "Amiri", serif; margin: 2cm; line-height: 1.8; }
h1 { font-size: 1.4rem; margin-block-end: 0.2rem; }
.meta { color: #444; margin-block-end: 1rem; }
pre { white-space: pre-wrap; font-family: inherit; font-size: 1rem; }
.status { border: 1px solid #888; padding-inline: 0.5rem; }
@media print { body { margin: 1.5cm; } }
</style>
</head>
<body>
<h1>{{.Title}}</h1>
<p class="meta">{{.When}} · الإصدار {{.Version}} · <span class="status">{{.Status}}</span>{{if .Approved}} · اعتُمد في {{.Approved}}{{end}}</p>
<pre>{{.Body}}</pre>
</body>
</html>
`))

// minutesHTML: GET /api/v1/meetings/{id}/minutes.html — the latest minutes
// as a printable right-to-left page.
func (s *Server) minutesHTML(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	m, v, err := s.Minutes(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(m.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	status := "مسودة"
	approved := ""
	if v.Status == "approved" {
		status = "معتمد"
		if t, err := time.Parse(time.RFC3339Nano, v.ApprovedAt); err == nil {
			approved = t.In(loc).Format("2006-01-02 15:04")
		}
	}
	var b bytes.Buffer
	err = minutesPage.Execute(&b, map[string]any{"Title": m.Title, "When": m.StartsAt.In(loc).Format("2006-01-02 15:04"),
		"Version": v.Version, "Status": status, "Approved": approved, "Body": v.Body})
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	return c.Send(b.Bytes())
}
