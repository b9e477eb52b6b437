package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// attWorld is two entities, three cases and the people on them, for the
// attachment tests.
type attWorld struct {
	s                   *store.Store
	clk                 *clock
	e1, e2              *jihat.Entity
	d1, d2              *jihat.Department
	req1, req2, emp     *jihat.User
	case1, case2, case3 *jihat.Case // case1: e1/d1 of req1 assigned to emp; case2: e1/d2 of req1; case3: e2 of req2
}

func newAttWorld(t *testing.T, b *backend) *attWorld {
	t.Helper()
	w := &attWorld{clk: newClock()}
	w.s = b.Open(t, WithClock(w.clk))
	w.e1, w.e2 = mustEntity(t, w.s), mustEntity(t, w.s)
	w.d1, w.d2 = mustDepartment(t, w.s, w.e1.ID), mustDepartment(t, w.s, w.e1.ID)
	d3 := mustDepartment(t, w.s, w.e2.ID)
	w.req1 = mustUser(t, w.s, &jihat.User{Email: fmt.Sprintf("r%d@example.com", uniq()), Active: true})
	w.req2 = mustUser(t, w.s, &jihat.User{Email: fmt.Sprintf("r%d@example.com", uniq()), Active: true})
	w.emp = mustUser(t, w.s, &jihat.User{Email: fmt.Sprintf("e%d@example.com", uniq()), Role: jihat.RoleEmployee,
		EntityID: w.e1.ID, DepartmentID: w.d1.ID, Active: true})
	w.case1 = w.mustCase(t, w.e1.ID, w.d1.ID, w.req1.ID, w.emp.ID)
	w.case2 = w.mustCase(t, w.e1.ID, w.d2.ID, w.req1.ID, "")
	w.case3 = w.mustCase(t, w.e2.ID, d3.ID, w.req2.ID, "")
	return w
}

func (w *attWorld) mustCase(t *testing.T, entityID, deptID, requesterID, assigneeID string) *jihat.Case {
	t.Helper()
	ct := &jihat.CaseType{EntityID: entityID, DepartmentID: deptID, NameAR: fmt.Sprintf("نوع %d", uniq()), NameEN: "Type",
		SLA: jihat.SLAHours{Normal: 24, Important: 8, VeryImportant: 4}}
	if err := w.s.CreateCaseType(context.Background(), ct, act("case_type.create")); err != nil {
		t.Fatal(err)
	}
	c := &jihat.Case{EntityID: entityID, CaseTypeID: ct.ID, DepartmentID: deptID, Subject: "طلب", Body: "نص",
		Priority: jihat.PriorityNormal, Status: jihat.StatusNew, RequesterID: requesterID, EscalationLevel: jihat.EscalationEmployee,
		DueAt: w.clk.Now().Add(24 * time.Hour)}
	if assigneeID != "" {
		c.AssigneeID, c.Status = assigneeID, jihat.StatusAssigned
	}
	if _, err := w.s.CreateCase(context.Background(), c, act("case.create"), func(*store.CaseTx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	return c
}

// add records a on the case in its own transaction.
func (w *attWorld) add(t *testing.T, caseID string, a *store.Attachment) *store.Attachment {
	t.Helper()
	_, _, err := w.s.UpdateCase(context.Background(), caseID, act("case.attachment"), func(m *store.CaseTx) error {
		return m.AddAttachment(a)
	})
	if err != nil {
		t.Fatalf("add attachment %q: %v", a.Name, err)
	}
	return a
}

// sha returns a distinct, valid SHA-256 for n.
func sha(n int) string { return fmt.Sprintf("%064x", n+1) }

func TestAttachmentRecord(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		w := newAttWorld(t, b)
		raw := b.Raw(t)
		audits := auditCount(t, w.s)
		a := w.add(t, w.case1.ID, &store.Attachment{UploaderID: w.req1.ID, Visibility: jihat.VisibilityPublic, Kind: "document",
			Name: "تقرير الحالة.pdf", MIME: "application/pdf", Size: 10436, SHA256: sha(1)})
		if !store.ValidID(a.ID) || a.CaseID != w.case1.ID || a.EntityID != w.e1.ID || a.RequesterID != w.req1.ID ||
			a.CaseNumber != w.case1.Number || !a.CreatedAt.Equal(w.clk.Now()) {
			t.Errorf("AddAttachment filled %+v", a)
		}
		if n := auditCount(t, w.s); n != audits+1 {
			t.Errorf("%d audit entries added, want 1", n-audits)
		}
		got, err := w.s.Attachment(ctx, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if *got != *a {
			t.Errorf("Attachment = %+v, want %+v", *got, *a)
		}
		v := w.add(t, w.case1.ID, &store.Attachment{UploaderID: w.emp.ID, Visibility: jihat.VisibilityInternal, Kind: "audio",
			Name: "voice.webm", MIME: "audio/webm", Size: 6169, SHA256: sha(2), DurationMS: 3007})
		if got, err := w.s.Attachment(ctx, v.ID); err != nil || got.DurationMS != 3007 || got.Visibility != jihat.VisibilityInternal {
			t.Errorf("Attachment = %+v, %v", got, err)
		}

		_, err = w.s.Attachment(ctx, "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b")
		wantCode(t, err, jihat.ENOTFOUND, "")

		// A transaction that fails after AddAttachment (the blob's commit
		// failed, a later step refused) leaves no row and no audit entry.
		rows, audits := b.Count(t, raw, "attachments"), auditCount(t, w.s)
		boom := errors.New("blob commit failed")
		_, _, err = w.s.UpdateCase(ctx, w.case1.ID, act("case.attachment"), func(m *store.CaseTx) error {
			if err := m.AddAttachment(&store.Attachment{UploaderID: w.req1.ID, Visibility: jihat.VisibilityPublic, Kind: "image",
				Name: "x.png", MIME: "image/png", Size: 1, SHA256: sha(3)}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("UpdateCase = %v, want %v", err, boom)
		}
		if n := b.Count(t, raw, "attachments"); n != rows {
			t.Errorf("a rolled back attachment left %d rows", n-rows)
		}
		if n := auditCount(t, w.s); n != audits {
			t.Errorf("a rolled back attachment left %d audit entries", n-audits)
		}
		if used, err := w.s.BlobReferenced(ctx, sha(3)); err != nil || used {
			t.Errorf("BlobReferenced(rolled back) = %v, %v", used, err)
		}
	})
}

func TestBlobReferenced(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		w := newAttWorld(t, b)
		for _, c := range []struct {
			sha  string
			want bool
		}{{sha(1), false}, {sha(2), false}} {
			if used, err := w.s.BlobReferenced(ctx, c.sha); err != nil || used != c.want {
				t.Errorf("BlobReferenced(%s) before = %v, %v", c.sha[60:], used, err)
			}
		}
		// The same content on two cases is one blob, referenced twice.
		for _, caseID := range []string{w.case1.ID, w.case3.ID} {
			w.add(t, caseID, &store.Attachment{UploaderID: w.req1.ID, Visibility: jihat.VisibilityPublic, Kind: "document",
				Name: "a.pdf", MIME: "application/pdf", Size: 5, SHA256: sha(1)})
		}
		for _, c := range []struct {
			sha  string
			want bool
		}{{sha(1), true}, {sha(2), false}} {
			if used, err := w.s.BlobReferenced(ctx, c.sha); err != nil || used != c.want {
				t.Errorf("BlobReferenced(%s) after = %v, %v; want %v", c.sha[60:], used, err, c.want)
			}
		}
	})
}

func TestListAttachments(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		w := newAttWorld(t, b)
		t0 := w.clk.Now()
		type row struct {
			caseID, name, kind string
			vis                jihat.Visibility
		}
		pub, internal := jihat.VisibilityPublic, jihat.VisibilityInternal
		rows := []row{ // one an hour from t0
			{w.case1.ID, "تقرير الحالة.pdf", "document", pub},
			{w.case1.ID, "صورة الهوية.png", "image", pub},
			{w.case1.ID, "مذكرة داخلية.pdf", "document", internal},
			{w.case1.ID, "تسجيل.ogg", "audio", internal},
			{w.case2.ID, "إقرار المالك.docx", "document", pub},
			{w.case2.ID, "تَقْرِير نهائي.pdf", "document", pub},
			{w.case3.ID, "فاتورة ٢٠٢٦.pdf", "document", pub},
			{w.case3.ID, "Report_100%.PDF", "document", pub},
		}
		for i, r := range rows {
			w.add(t, r.caseID, &store.Attachment{UploaderID: w.req1.ID, Visibility: r.vis, Kind: r.kind, Name: r.name,
				MIME: "application/octet-stream", Size: int64(i + 1), SHA256: sha(i)})
			w.clk.Add(time.Hour)
		}
		at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Hour) }
		names := func(q store.AttachmentQuery) []string {
			t.Helper()
			got, next, err := w.s.ListAttachments(ctx, q)
			if err != nil {
				t.Fatalf("ListAttachments(%+v): %v", q, err)
			}
			if next != "" {
				t.Fatalf("ListAttachments(%+v): a next page", q)
			}
			var out []string
			for i, a := range got {
				if i > 0 && a.CreatedAt.After(got[i-1].CreatedAt) {
					t.Errorf("not newest first: %s after %s", a.Name, got[i-1].Name)
				}
				out = append(out, a.Name)
			}
			slices.Sort(out)
			return out
		}
		of := func(idx ...int) []string {
			var out []string
			for _, i := range idx {
				out = append(out, rows[i].name)
			}
			slices.Sort(out)
			return out
		}
		all := store.AttachmentQuery{AllEntities: true}
		with := func(q store.AttachmentQuery, f func(*store.AttachmentQuery)) store.AttachmentQuery { f(&q); return q }

		tests := []struct {
			name string
			q    store.AttachmentQuery
			want []string
		}{
			{"no scope", store.AttachmentQuery{}, nil},
			{"no scope, a case", store.AttachmentQuery{CaseID: w.case1.ID}, nil},
			{"all", all, of(0, 1, 2, 3, 4, 5, 6, 7)},
			{"public only", with(all, func(q *store.AttachmentQuery) { q.PublicOnly = true }), of(0, 1, 4, 5, 6, 7)},
			{"requester", store.AttachmentQuery{RequesterID: w.req1.ID, PublicOnly: true}, of(0, 1, 4, 5)},
			{"entity", store.AttachmentQuery{EntityID: w.e1.ID}, of(0, 1, 2, 3, 4, 5)},
			{"department", store.AttachmentQuery{EntityID: w.e1.ID, DepartmentID: w.d2.ID}, of(4, 5)},
			{"assignee", store.AttachmentQuery{EntityID: w.e1.ID, AssigneeID: w.emp.ID}, of(0, 1, 2, 3)},
			{"other entity", store.AttachmentQuery{EntityID: w.e2.ID}, of(6, 7)},
			{"requester and another entity", store.AttachmentQuery{RequesterID: w.req1.ID, EntityID: w.e2.ID}, nil},
			{"case", with(all, func(q *store.AttachmentQuery) { q.CaseID = w.case2.ID }), of(4, 5)},
			{"case number", with(all, func(q *store.AttachmentQuery) { q.CaseNumber = w.case3.Number }), of(6, 7)},
			{"kind", with(all, func(q *store.AttachmentQuery) { q.Kind = "audio" }), of(3)},
			{"name", with(all, func(q *store.AttachmentQuery) { q.Name = "تقرير" }), of(0, 5)},
			{"name with diacritics", with(all, func(q *store.AttachmentQuery) { q.Name = "تَقرِير" }), of(0, 5)},
			{"name without hamza", with(all, func(q *store.AttachmentQuery) { q.Name = "اقرار" }), of(4)},
			{"name, two words", with(all, func(q *store.AttachmentQuery) { q.Name = "الحاله تقرير" }), of(0)},
			{"name, digits", with(all, func(q *store.AttachmentQuery) { q.Name = "2026" }), of(6)},
			{"name, case and symbols", with(all, func(q *store.AttachmentQuery) { q.Name = "report 100%" }), of(7)},
			{"from (inclusive)", with(all, func(q *store.AttachmentQuery) { q.From = at(6) }), of(6, 7)},
			{"to (exclusive)", with(all, func(q *store.AttachmentQuery) { q.To = at(2) }), of(0, 1)},
			{"from and to", with(all, func(q *store.AttachmentQuery) { q.From, q.To = at(2), at(5) }), of(2, 3, 4)},
			{"from, another zone", with(all, func(q *store.AttachmentQuery) { q.From = at(6).In(time.FixedZone("AST", 3*3600)) }), of(6, 7)},
			{"everything at once", store.AttachmentQuery{EntityID: w.e1.ID, PublicOnly: true, Kind: "document", Name: "تقرير",
				From: at(1), To: at(8)}, of(5)},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got := names(tt.q); !slices.Equal(got, tt.want) {
					t.Errorf("got %q, want %q", got, tt.want)
				}
			})
		}

		t.Run("pages", func(t *testing.T) {
			for _, limit := range []int{1, 3, 8} {
				q := store.AttachmentQuery{AllEntities: true, Limit: limit}
				var got []string
				for page := 0; ; page++ {
					list, next, err := w.s.ListAttachments(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					if len(list) > limit || (next != "" && len(list) != limit) {
						t.Fatalf("limit %d: page of %d, next %q", limit, len(list), next)
					}
					for _, a := range list {
						got = append(got, a.Name)
					}
					if next == "" {
						break
					}
					q.Cursor = next
				}
				newest := []string{rows[7].name, rows[6].name, rows[5].name, rows[4].name, rows[3].name, rows[2].name, rows[1].name, rows[0].name}
				if !slices.Equal(got, newest) {
					t.Errorf("limit %d: %q, want newest first %q", limit, got, newest)
				}
			}
			// Limits outside 1..100 fall back to 50.
			for _, limit := range []int{0, -1, 101} {
				list, next, err := w.s.ListAttachments(ctx, store.AttachmentQuery{AllEntities: true, Limit: limit})
				if err != nil || len(list) != len(rows) || next != "" {
					t.Errorf("limit %d: %d, %q, %v", limit, len(list), next, err)
				}
			}
		})
	})
}
