package store_test

import (
	"context"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

func TestEntities(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		b := &jihat.Entity{NameAR: "بلدية", NameEN: "Municipality", Sector: jihat.SectorGovernment}
		a := &jihat.Entity{NameAR: "أمانة", NameEN: "Secretariat", Sector: jihat.SectorNonprofit, AssignRule: "least_load"}
		for _, e := range []*jihat.Entity{b, a} {
			if err := s.CreateEntity(ctx, e, false, act("entity.create")); err != nil {
				t.Fatal(err)
			}
			if !store.ValidID(e.ID) || e.CreatedAt.IsZero() {
				t.Fatalf("entity = %+v", e)
			}
		}
		if b.AssignRule != "round_robin" {
			t.Errorf("default assign rule = %q", b.AssignRule)
		}
		got, err := s.Entity(ctx, a.ID)
		if err != nil || got.NameAR != "أمانة" || got.NameEN != "Secretariat" || got.Sector != jihat.SectorNonprofit || got.AssignRule != "least_load" {
			t.Fatalf("Entity = %+v, %v", got, err)
		}
		list, err := s.ListEntities(ctx)
		if err != nil || len(list) != 2 || list[0].ID != a.ID || list[1].ID != b.ID {
			t.Fatalf("ListEntities not ordered by Arabic name: %+v, %v", list, err)
		}
		_, err = s.Entity(ctx, "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b")
		wantCode(t, err, jihat.ENOTFOUND, "not_found")
	})
}

func TestDepartmentsAndCaseTypes(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, bk *backend) {
		s := bk.Open(t)
		raw := bk.Raw(t)
		e1, e2 := mustEntity(t, s), mustEntity(t, s)
		d1 := mustDepartment(t, s, e1.ID)
		d2 := mustDepartment(t, s, e2.ID)
		got, err := s.Department(ctx, d1.ID)
		if err != nil || got.EntityID != e1.ID || got.NameAR != d1.NameAR {
			t.Fatalf("Department = %+v, %v", got, err)
		}
		audits := auditCount(t, s)

		err = s.CreateDepartment(ctx, &jihat.Department{EntityID: "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b", NameAR: "س", NameEN: "x"}, act("department.create"))
		wantCode(t, err, jihat.ENOTFOUND, "")

		sla := jihat.SLAHours{Normal: 40, Important: 16, VeryImportant: 4}
		ct := &jihat.CaseType{EntityID: e1.ID, DepartmentID: d1.ID, NameAR: "شكوى", NameEN: "Complaint", SLA: sla}
		if err := s.CreateCaseType(ctx, ct, act("case_type.create")); err != nil {
			t.Fatal(err)
		}
		gotCT, err := s.CaseType(ctx, ct.ID)
		if err != nil || gotCT.SLA != sla || gotCT.DepartmentID != d1.ID || gotCT.EntityID != e1.ID || gotCT.NameEN != "Complaint" {
			t.Fatalf("CaseType = %+v, %v", gotCT, err)
		}
		audits++ // the case type

		// A department of another entity, or none at all, is refused and nothing is written.
		types := bk.Count(t, raw, "case_types")
		for name, dept := range map[string]string{"other entity's department": d2.ID, "unknown department": "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b"} {
			err := s.CreateCaseType(ctx, &jihat.CaseType{EntityID: e1.ID, DepartmentID: dept, NameAR: "س", NameEN: "x", SLA: sla}, act("case_type.create"))
			if jihat.ErrorCode(err) != jihat.EINVALID || jihat.AsError(err).Fields["department_id"] != "department_not_in_entity" {
				t.Errorf("%s: err = %v; want EINVALID on department_id", name, err)
			}
		}
		if n := bk.Count(t, raw, "case_types"); n != types {
			t.Errorf("refused case types wrote %d rows", n-types)
		}
		if n := auditCount(t, s); n != audits {
			t.Errorf("refused writes left %d audit rows", n-audits)
		}

		ds, err := s.ListDepartments(ctx, e1.ID)
		if err != nil || len(ds) != 1 || ds[0].ID != d1.ID {
			t.Errorf("ListDepartments(e1) = %+v, %v", ds, err)
		}
		ts, err := s.ListCaseTypes(ctx, e1.ID)
		if err != nil || len(ts) != 1 || ts[0].ID != ct.ID {
			t.Errorf("ListCaseTypes(e1) = %+v, %v", ts, err)
		}
		if ts, err := s.ListCaseTypes(ctx, e2.ID); err != nil || len(ts) != 0 {
			t.Errorf("ListCaseTypes(e2) = %+v, %v", ts, err)
		}
		_, err = s.CaseType(ctx, "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b")
		wantCode(t, err, jihat.ENOTFOUND, "")
		_, err = s.Department(ctx, "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b")
		wantCode(t, err, jihat.ENOTFOUND, "")
	})
}
