package server

import (
	"context"

	"github.com/jihat/jihat"
)

// demoServices are the guide's demo services, each published once, linked to
// a demo case type (by its English name) so "ask about this service" opens a
// case of the right type.
var demoServices = []struct {
	caseType string
	content  jihat.ServiceContent
}{
	{"General inquiry", jihat.ServiceContent{
		NameAR: "تجديد رخصة مزاولة نشاط (تجريبي)", NameEN: "Renew a business activity licence (demo)",
		DescriptionAR: "تجديد رخصة مزاولة النشاط التجاري قبل انتهائها بثلاثين يوماً، إلكترونياً أو في مكاتب الوزارة.",
		DescriptionEN: "Renew a business activity licence up to thirty days before it expires, online or at the ministry's offices.",
		Eligibility:   jihat.LocalText{AR: "أصحاب المنشآت المسجلة", EN: "Owners of registered establishments"},
		Documents: []jihat.LocalText{{AR: "السجل التجاري", EN: "Commercial registration"},
			{AR: "عقد إيجار المقر", EN: "Lease of the premises"}},
		Fees:        jihat.LocalText{AR: "٢٠٠ ريال", EN: "SAR 200"},
		Steps:       []jihat.LocalText{{AR: "تقديم الطلب", EN: "Apply"}, {AR: "سداد الرسوم", EN: "Pay the fee"}, {AR: "استلام الرخصة", EN: "Receive the licence"}},
		Duration:    jihat.LocalText{AR: "يومان عمل", EN: "Two working days"},
		OfficeHours: jihat.LocalText{AR: "الأحد إلى الخميس، ٨ص–٢م", EN: "Sunday to Thursday, 8:00–14:00"},
		Channels:    []jihat.ServiceChannel{jihat.ChannelOnline, jihat.ChannelOffice}, URL: "https://services.example.gov.sa/licence",
	}},
	{"General inquiry", jihat.ServiceContent{
		NameAR: "إصدار شهادة تعريف (تجريبي)", NameEN: "Issue an identification certificate (demo)",
		DescriptionAR: "شهادة تعريف بالراتب أو بالخدمة تُقدَّم للجهات والبنوك.",
		DescriptionEN: "A salary or service certificate for banks and other bodies.",
		Documents:     []jihat.LocalText{{AR: "الهوية الوطنية", EN: "National ID"}},
		Fees:          jihat.LocalText{AR: "مجاناً", EN: "Free"},
		Duration:      jihat.LocalText{AR: "فوري", EN: "Immediate"},
		Channels:      []jihat.ServiceChannel{jihat.ChannelOnline, jihat.ChannelApp},
		URL:           "https://services.example.gov.sa/certificate",
	}},
	{"Report", jihat.ServiceContent{
		NameAR: "الإبلاغ عن مخالفة في الشارع (تجريبي)", NameEN: "Report a street violation (demo)",
		DescriptionAR: "بلّغ عن حفرة أو إنارة مطفأة أو نفايات في الحي، مع الموقع والصورة.",
		DescriptionEN: "Report a pothole, a dark street light or rubbish in your neighbourhood, with the place and a photo.",
		Fees:          jihat.LocalText{AR: "مجاناً", EN: "Free"},
		Channels:      []jihat.ServiceChannel{jihat.ChannelApp, jihat.ChannelPhone},
	}},
	{"Billing issue", jihat.ServiceContent{
		NameAR: "نقل ملكية رقم الجوال (تجريبي)", NameEN: "Transfer a mobile number (demo)",
		DescriptionAR: "نقل ملكية الرقم بين شخصين بحضورهما أو عبر التطبيق.",
		DescriptionEN: "Transfer a number between two people, in person or through the app.",
		Documents:     []jihat.LocalText{{AR: "هوية الطرفين", EN: "Both parties' IDs"}},
		Fees:          jihat.LocalText{AR: "٥٠ ريالاً", EN: "SAR 50"},
		Channels:      []jihat.ServiceChannel{jihat.ChannelApp, jihat.ChannelOffice},
	}},
	{"Aid request", jihat.ServiceContent{
		NameAR: "مساعدة المستلزمات المدرسية (تجريبي)", NameEN: "School supplies aid (demo)",
		DescriptionAR: "حقيبة ومستلزمات مدرسية لأبناء الأسر المستحقة قبل بداية العام الدراسي.",
		DescriptionEN: "A school bag and supplies for children of eligible families before the school year.",
		Eligibility:   jihat.LocalText{AR: "الأسر المسجلة لدى الجمعية", EN: "Families registered with the charity"},
		Documents:     []jihat.LocalText{{AR: "سجل الأسرة", EN: "Family record"}, {AR: "إفادة من المدرسة", EN: "A letter from the school"}},
		Channels:      []jihat.ServiceChannel{jihat.ChannelOffice, jihat.ChannelPhone},
	}},
}

// seedDemoServices adds and publishes the demo services.
func (s *Server) seedDemoServices(ctx context.Context, adminID string, types map[string][2]string) error {
	a := jihat.AuditEntry{ActorID: adminID, Action: "demo.service", Details: `{"demo":true}`}
	for _, d := range demoServices {
		t, ok := types[d.caseType]
		if !ok {
			continue
		}
		c := d.content
		c.CaseTypeID = t[1]
		if err := c.Validate(); err != nil {
			return err
		}
		sv := &jihat.Service{EntityID: t[0], Draft: c}
		if err := s.store.CreateService(ctx, sv, a); err != nil {
			return err
		}
		if _, err := s.store.PublishService(ctx, sv.ID, adminID, a); err != nil {
			return err
		}
	}
	return nil
}
