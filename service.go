package jihat

import (
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// The service guide: every entity's services (خدمات), what they need and
// where to go. An entity admin edits a draft and publishes it; the public
// reads only what was published, and every publication is kept as a
// version.

// LocalText is a text in Arabic and English.
type LocalText struct {
	AR string
	EN string
}

// ServiceContent is what a service says; a draft and each published
// version hold one.
type ServiceContent struct {
	NameAR, NameEN               string
	DescriptionAR, DescriptionEN string
	Eligibility                  LocalText   // who may apply
	Documents                    []LocalText // required documents
	Fees                         LocalText
	Steps                        []LocalText
	Duration                     LocalText // expected duration
	OfficeHours                  LocalText
	Channels                     []ServiceChannel // where it is served
	URL                          string           // the entity's own e-service (https)
	CaseTypeID                   string           // the case type a question about it opens; "" for none
}

// ServiceChannel is a way a service is served.
type ServiceChannel string

// Service channels.
const (
	ChannelOnline ServiceChannel = "online" // the entity's e-service (URL)
	ChannelApp    ServiceChannel = "app"
	ChannelOffice ServiceChannel = "office" // in person
	ChannelPhone  ServiceChannel = "phone"
	ChannelEmail  ServiceChannel = "email"
)

// ServiceChannels lists the known channels.
var ServiceChannels = []ServiceChannel{ChannelOnline, ChannelApp, ChannelOffice, ChannelPhone, ChannelEmail}

// Service is one service of an entity.
type Service struct {
	ID          string
	EntityID    string
	Draft       ServiceContent  // what its admins edit
	Published   *ServiceContent // what the public reads; nil until first published
	Version     int             // how many times it was published (Published is that version)
	CreatedAt   time.Time
	UpdatedAt   time.Time // the draft's last change
	PublishedAt time.Time // zero until published
}

// ServiceStatus is draft (never published), published (the public reads the
// draft as it is) or changed (published, with draft changes not yet
// published).
func (s *Service) ServiceStatus() string {
	switch {
	case s.Published == nil:
		return "draft"
	case s.UpdatedAt.After(s.PublishedAt):
		return "changed"
	}
	return "published"
}

// ServiceVersion is one published version of a service.
type ServiceVersion struct {
	ServiceID   string
	Version     int
	Content     ServiceContent
	PublishedAt time.Time
	PublishedBy string
}

// Limits of a service's content.
const (
	MaxServiceNameRunes = 200
	MaxServiceTextRunes = 4000 // a description
	MaxServiceItemRunes = 500  // one document, step, fee, duration, eligibility or hours text
	MaxServiceItems     = 30   // documents, steps
	MaxServiceURLBytes  = 500
)

// Validate checks the content and returns an EINVALID error with a message
// key per bad field, or nil. Both names are required; every other text is
// optional, in either language.
func (c *ServiceContent) Validate() error {
	f := map[string]string{}
	c.NameAR, c.NameEN = strings.TrimSpace(c.NameAR), strings.TrimSpace(c.NameEN)
	checkText(f, "name_ar", c.NameAR, 1, MaxServiceNameRunes, "too_long")
	checkText(f, "name_en", c.NameEN, 1, MaxServiceNameRunes, "too_long")
	checkText(f, "description_ar", c.DescriptionAR, 0, MaxServiceTextRunes, "too_long")
	checkText(f, "description_en", c.DescriptionEN, 0, MaxServiceTextRunes, "too_long")
	for name, t := range map[string]*LocalText{"eligibility": &c.Eligibility, "fees": &c.Fees,
		"duration": &c.Duration, "office_hours": &c.OfficeHours} {
		checkLocal(f, name, t)
	}
	for name, list := range map[string][]LocalText{"documents": c.Documents, "steps": c.Steps} {
		if len(list) > MaxServiceItems {
			f[name] = "guide_too_many_items"
			continue
		}
		for i := range list {
			checkLocal(f, name, &list[i])
			if list[i].AR == "" && list[i].EN == "" {
				f[name] = "guide_empty_item"
			}
		}
	}
	seen := map[ServiceChannel]bool{}
	for _, ch := range c.Channels {
		known := false
		for _, k := range ServiceChannels {
			known = known || ch == k
		}
		if !known || seen[ch] {
			f["channels"] = "guide_unknown_channel"
		}
		seen[ch] = true
	}
	if c.URL = strings.TrimSpace(c.URL); c.URL != "" {
		u, err := url.Parse(c.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" || len(c.URL) > MaxServiceURLBytes {
			f["url"] = "guide_url_https"
		}
	}
	if c.CaseTypeID != "" {
		checkID(f, "case_type_id", c.CaseTypeID)
	}
	return invalidIf(f)
}

func checkLocal(f map[string]string, name string, t *LocalText) {
	t.AR, t.EN = strings.TrimSpace(t.AR), strings.TrimSpace(t.EN)
	for _, s := range []string{t.AR, t.EN} {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			f[name] = "invalid_text"
		} else if utf8.RuneCountInString(s) > MaxServiceItemRunes {
			f[name] = "too_long"
		}
	}
}

// SearchFields returns the two searched fields of the content: the title
// (both names) and the body (every other text), for SearchDoc.
func (c *ServiceContent) SearchFields() (title, body []string) {
	title = []string{c.NameAR, c.NameEN}
	body = []string{c.DescriptionAR, c.DescriptionEN, c.Eligibility.AR, c.Eligibility.EN, c.Fees.AR, c.Fees.EN,
		c.Duration.AR, c.Duration.EN, c.OfficeHours.AR, c.OfficeHours.EN}
	for _, l := range [][]LocalText{c.Documents, c.Steps} {
		for _, t := range l {
			body = append(body, t.AR, t.EN)
		}
	}
	return title, body
}

// CanEditServices tells whether u may edit the services of entity id: its
// entity admins and the platform admin.
func (u *User) CanEditServices(entityID string) bool {
	return u.CanManageEntity(entityID)
}
