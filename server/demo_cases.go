package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/jihat/jihat"
)

// demoCase is one case of the demo and how far its story goes, told through
// the same services the API uses (so assignment, deadlines, events and
// notifications are real).
type demoCase struct {
	typeEN   string // the demo case type, by English name
	subject  string
	body     string
	priority jihat.Priority
	kind     jihat.CaseKind
	category jihat.ReportCategory
	location *jihat.Location
	// the story after assignment, in order: "reply:<text>" (the employee),
	// "citizen:<text>", "note:<text>" (internal), "start", "await",
	// "resolve:<text>", "object:<text>", "rate:<n>"
	steps []string
}

// demoStories: the first citizen's cases, in several states, and a second
// citizen's, so the employees' queues are not empty.
var demoStories = [][]demoCase{
	{
		{"General inquiry", "استفسار عن تجديد رخصة النشاط (تجريبي)", "ما المستندات المطلوبة لتجديد رخصة النشاط التجاري؟",
			jihat.PriorityNormal, jihat.KindInquiry, "", nil, []string{"start", "reply:أهلاً بك، نراجع طلبك الآن وسنوافيك بالمستندات المطلوبة.",
				"citizen:شكراً لكم، بانتظار ردكم.", "note:تحقق من آخر تحديث للائحة قبل الرد."}},
		{"Complaint", "تأخر الرد على طلب سابق (تجريبي)", "قدمت طلباً قبل أسبوعين ولم يصلني أي رد.",
			jihat.PriorityImportant, jihat.KindComplaint, "", nil, []string{"start", "reply:نعتذر عن التأخير؛ فضلاً زودنا برقم الطلب السابق.", "await"}},
		{"General inquiry", "الاستعلام عن مواعيد العمل (تجريبي)", "ما مواعيد عمل الفرع الرئيسي في رمضان؟",
			jihat.PriorityNormal, jihat.KindInquiry, "", nil, []string{"start", "resolve:مواعيد العمل في رمضان من العاشرة صباحاً حتى الثالثة عصراً."}},
		{"Report", "تراكم النفايات في الحي (تجريبي)", "توجد نفايات متراكمة منذ أيام بجوار الحديقة العامة.",
			jihat.PriorityVeryImportant, jihat.KindReport, jihat.CategoryCleanliness, &jihat.Location{Lat: 24.7136, Lng: 46.6753},
			[]string{"start", "resolve:تم إبلاغ فريق النظافة.", "object:ما زالت النفايات في مكانها."}},
		{"Billing issue", "مبلغ غير صحيح في فاتورة الشهر (تجريبي)", "الفاتورة تتضمن رسوماً لخدمة لم أشترك بها.",
			jihat.PriorityImportant, jihat.KindComplaint, "", nil, []string{"start", "resolve:أُلغيت الرسوم وأُعيد المبلغ إلى رصيدك.", "rate:5"}},
		{"Aid request", "طلب مساعدة في الإيجار (تجريبي)", "أطلب مساعدة مؤقتة في سداد إيجار المسكن.",
			jihat.PriorityVeryImportant, jihat.KindInquiry, "", nil, nil},
	},
	{
		{"Complaint", "انقطاع الخدمة الإلكترونية (تجريبي)", "لا أستطيع الدخول إلى البوابة منذ الصباح.",
			jihat.PriorityVeryImportant, jihat.KindComplaint, "", nil, nil},
		{"General inquiry", "طلب نسخة من شهادة (تجريبي)", "كيف أحصل على نسخة مصدقة من الشهادة؟",
			jihat.PriorityNormal, jihat.KindInquiry, "", nil, []string{"start"}},
		{"Report", "إنارة الشارع معطلة (تجريبي)", "أعمدة الإنارة في الشارع العام لا تعمل ليلاً.",
			jihat.PriorityImportant, jihat.KindReport, jihat.CategoryBuildingMaintenance, &jihat.Location{Lat: 21.4858, Lng: 39.1925}, nil},
	},
}

// seedDemoCases tells the demo stories for the given citizens. types maps
// a case type's English name to its entity and ID.
func (s *Server) seedDemoCases(ctx context.Context, citizens []*jihat.User, types map[string][2]string) error {
	a := func(action string) jihat.AuditEntry {
		return jihat.AuditEntry{Action: action, Details: `{"demo":true}`}
	}
	for i, stories := range demoStories {
		cit := citizens[i]
		for _, dc := range stories {
			ids, ok := types[dc.typeEN]
			if !ok {
				return fmt.Errorf("demo: no case type %q", dc.typeEN)
			}
			in := jihat.NewCaseInput{EntityID: ids[0], CaseTypeID: ids[1], Subject: dc.subject, Body: dc.body,
				Priority: dc.priority, Kind: dc.kind, Category: dc.category, Location: dc.location}
			ca := a("case.create")
			ca.ActorID = cit.ID
			c, err := s.CreateCase(ctx, cit, jihat.LangAR, ca, in)
			if err != nil {
				return fmt.Errorf("demo case %q: %w", dc.subject, err)
			}
			if err := s.demoStory(ctx, cit, c, dc.steps, a); err != nil {
				return fmt.Errorf("demo case %q: %w", dc.subject, err)
			}
		}
	}
	return nil
}

func (s *Server) demoStory(ctx context.Context, cit *jihat.User, c caseView, steps []string, a func(string) jihat.AuditEntry) error {
	if len(steps) == 0 {
		return nil
	}
	if c.Assignee == nil {
		return fmt.Errorf("not assigned")
	}
	emp, err := s.store.UserByID(ctx, c.Assignee.ID)
	if err != nil {
		return err
	}
	as := func(u *jihat.User, action string) jihat.AuditEntry {
		e := a(action)
		e.ActorID = u.ID
		return e
	}
	for _, st := range steps {
		verb, text, _ := strings.Cut(st, ":")
		switch verb {
		case "start":
			_, err = s.Transition(ctx, emp, jihat.LangAR, as(emp, "case.start"), c.ID, jihat.ActionStart)
		case "await":
			_, err = s.Transition(ctx, emp, jihat.LangAR, as(emp, "case.await_citizen"), c.ID, jihat.ActionAwaitCitizen)
		case "reply":
			_, err = s.AddComment(ctx, emp, as(emp, "case.comment"), c.ID, text, jihat.VisibilityPublic)
		case "note":
			_, err = s.AddComment(ctx, emp, as(emp, "case.comment"), c.ID, text, jihat.VisibilityInternal)
		case "citizen":
			_, err = s.AddComment(ctx, cit, as(cit, "case.comment"), c.ID, text, jihat.VisibilityPublic)
		case "resolve":
			_, err = s.Resolve(ctx, emp, jihat.LangAR, as(emp, "case.resolve"), c.ID, text)
		case "object":
			_, err = s.Object(ctx, cit, jihat.LangAR, as(cit, "case.object"), c.ID, text)
		case "rate":
			score, _ := strconv.Atoi(text)
			_, err = s.Rate(ctx, cit, jihat.LangAR, as(cit, "case.rate"), c.ID, score, "خدمة ممتازة وسريعة")
		default:
			err = fmt.Errorf("unknown step %q", verb)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", verb, err)
		}
	}
	return nil
}
