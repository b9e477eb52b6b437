package server

import (
	"context"

	"github.com/jihat/jihat"
)

// demoPassword is the shared password of every demo account. The demo is
// labelled as such in every name, and only seeded on an empty embedded
// database.
const demoPassword = "Jihat-demo-2026!"

type demoEntity struct {
	nameAR, nameEN string
	sector         jihat.Sector
	depts          []demoDept
}

type demoDept struct {
	nameAR, nameEN string
	types          []demoType
	staff          []demoStaff
}

type demoType struct {
	nameAR, nameEN string
	sla            jihat.SLAHours
}

type demoStaff struct {
	name, email string
	role        jihat.Role
}

var demoData = []demoEntity{
	{"وزارة الخدمات (تجريبي)", "Ministry of Services (demo)", jihat.SectorGovernment, []demoDept{
		{"إدارة خدمة المستفيدين", "Beneficiary Services", []demoType{
			{"استفسار عام", "General inquiry", jihat.SLAHours{Normal: 40, Important: 16, VeryImportant: 8}},
			{"شكوى", "Complaint", jihat.SLAHours{Normal: 24, Important: 8, VeryImportant: 4}},
		}, []demoStaff{
			{"سارة العتيبي (تجريبي)", "sara@ministry.demo", jihat.RoleEmployee},
			{"خالد الحربي (تجريبي)", "khalid@ministry.demo", jihat.RoleEmployee},
			{"نورة القحطاني (تجريبي)", "noura@ministry.demo", jihat.RoleSupervisor},
		}},
		{"إدارة البلاغات", "Reports Office", []demoType{
			{"بلاغ", "Report", jihat.SLAHours{Normal: 8, Important: 4, VeryImportant: 2}},
		}, []demoStaff{{"فهد الدوسري (تجريبي)", "fahad@ministry.demo", jihat.RoleEmployee}}},
	}},
	{"شركة الاتصالات المتقدمة (تجريبي)", "Advanced Telecom Co. (demo)", jihat.SectorPrivate, []demoDept{
		{"خدمة العملاء", "Customer Care", []demoType{
			{"مشكلة فاتورة", "Billing issue", jihat.SLAHours{Normal: 24, Important: 12, VeryImportant: 4}},
		}, []demoStaff{{"أحمد منصور (تجريبي)", "ahmed@telecom.demo", jihat.RoleEmployee}}},
	}},
	{"جمعية البر الخيرية (تجريبي)", "Al-Birr Charity (demo)", jihat.SectorNonprofit, []demoDept{
		{"المساعدات", "Aid", []demoType{
			{"طلب مساعدة", "Aid request", jihat.SLAHours{Normal: 72, Important: 40, VeryImportant: 16}},
		}, []demoStaff{{"مريم حسن (تجريبي)", "mariam@charity.demo", jihat.RoleEmployee}}},
	}},
}

// seedDemo creates the demo entities, departments, case types, staff (one
// entity admin per entity) and one citizen. It returns the demo logins.
func (s *Server) seedDemo(ctx context.Context, adminID string) (map[string]string, error) {
	hash, err := hashPassword(demoPassword, s.cfg.Argon2)
	if err != nil {
		return nil, err
	}
	a := func(action string) jihat.AuditEntry {
		return jihat.AuditEntry{ActorID: adminID, Action: action, Details: `{"demo":true}`}
	}
	logins := map[string]string{}
	types := map[string][2]string{} // demo case type (English name) → entity ID, type ID
	addUser := func(u *jihat.User) error {
		// The demo's addresses are labelled and verified (seed 001's verified record).
		u.Active, u.Lang, u.EmailVerified, u.MobileVerified = true, jihat.LangAR, true, true
		if err := s.store.CreateUser(ctx, u, hash, a("demo.user")); err != nil {
			return err
		}
		logins[u.Email] = demoPassword
		return nil
	}
	for i, de := range demoData {
		e := &jihat.Entity{NameAR: de.nameAR, NameEN: de.nameEN, Sector: de.sector}
		if err := s.store.CreateEntity(ctx, e, true, a("demo.entity")); err != nil {
			return nil, err
		}
		for _, dd := range de.depts {
			d := &jihat.Department{EntityID: e.ID, NameAR: dd.nameAR, NameEN: dd.nameEN}
			if err := s.store.CreateDepartment(ctx, d, a("demo.department")); err != nil {
				return nil, err
			}
			for _, dt := range dd.types {
				t := &jihat.CaseType{EntityID: e.ID, DepartmentID: d.ID, NameAR: dt.nameAR, NameEN: dt.nameEN, SLA: dt.sla}
				if err := s.store.CreateCaseType(ctx, t, a("demo.case_type")); err != nil {
					return nil, err
				}
				types[dt.nameEN] = [2]string{e.ID, t.ID}
			}
			for _, st := range dd.staff {
				if err := addUser(&jihat.User{Name: st.name, Email: st.email, Role: st.role, EntityID: e.ID, DepartmentID: d.ID}); err != nil {
					return nil, err
				}
			}
		}
		admins := []string{"admin@ministry.demo", "admin@telecom.demo", "admin@charity.demo"}
		if err := addUser(&jihat.User{Name: "مدير الجهة (تجريبي)", Email: admins[i], Role: jihat.RoleEntityAdmin, EntityID: e.ID}); err != nil {
			return nil, err
		}
	}
	citizen := &jihat.User{Name: "مواطن تجريبي", Email: "citizen@jihat.demo", NationalID: "1000000008", Mobile: "+966500000001", Role: jihat.RoleCitizen}
	if err := addUser(citizen); err != nil {
		return nil, err
	}
	citizen2 := &jihat.User{Name: "مواطنة تجريبية ثانية", Email: "citizen2@jihat.demo", Mobile: "+966500000002", Role: jihat.RoleCitizen}
	if err := addUser(citizen2); err != nil {
		return nil, err
	}
	if err := s.seedDemoCases(ctx, []*jihat.User{citizen, citizen2}, types); err != nil {
		return nil, err
	}
	if err := s.seedDemoServices(ctx, adminID, types); err != nil {
		return nil, err
	}
	oversight := &jihat.User{Name: "جهة رقابية (تجريبي)", Email: "oversight@jihat.demo", Role: jihat.RoleOversight}
	if err := addUser(oversight); err != nil {
		return nil, err
	}
	return logins, nil
}
