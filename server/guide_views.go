package server

import "github.com/jihat/jihat"

// serviceContentView is what a service says, in both languages.
type serviceContentView struct {
	NameAR        string          `json:"name_ar"`
	NameEN        string          `json:"name_en"`
	DescriptionAR string          `json:"description_ar"`
	DescriptionEN string          `json:"description_en"`
	Eligibility   localTextJSON   `json:"eligibility"`
	Documents     []localTextJSON `json:"documents"`
	Fees          localTextJSON   `json:"fees"`
	Steps         []localTextJSON `json:"steps"`
	Duration      localTextJSON   `json:"duration"`
	OfficeHours   localTextJSON   `json:"office_hours"`
	Channels      []string        `json:"channels"`
	URL           string          `json:"url"`
	CaseTypeID    string          `json:"case_type_id,omitempty"`
}

// serviceView is a service of the guide. The public reads its published
// version; its editors read the draft (status tells whether it differs).
// The shape maps onto an Open311 GeoReport v2 service list: service_code
// = id, service_name = name_en or name_ar, description, group = the entity's
// name, type "realtime", keywords from the names.
type serviceView struct {
	ID       string     `json:"id"`
	EntityID string     `json:"entity_id"`
	Entity   *entityRef `json:"entity,omitempty"`
	serviceContentView
	Status      string             `json:"status,omitempty"` // editors: draft, published or changed
	Version     int                `json:"version"`
	PublishedAt string             `json:"published_at,omitempty"`
	UpdatedAt   string             `json:"updated_at,omitempty"`
	Highlights  *serviceHighlights `json:"highlights,omitempty"`
}

// entityRef names the entity of a service.
type entityRef struct {
	ID     string `json:"id"`
	NameAR string `json:"name_ar"`
	NameEN string `json:"name_en"`
	Sector string `json:"sector"`
}

// serviceHighlights are where a search's words matched, as UTF-16 spans
// (see caseView's highlights).
type serviceHighlights struct {
	NameAR        []jihat.Span `json:"name_ar"`
	NameEN        []jihat.Span `json:"name_en"`
	DescriptionAR []jihat.Span `json:"description_ar"`
	DescriptionEN []jihat.Span `json:"description_en"`
}

func newLocal(t jihat.LocalText) localTextJSON { return localTextJSON{AR: t.AR, EN: t.EN} }

func newServiceContentView(c *jihat.ServiceContent) serviceContentView {
	v := serviceContentView{NameAR: c.NameAR, NameEN: c.NameEN, DescriptionAR: c.DescriptionAR, DescriptionEN: c.DescriptionEN,
		Eligibility: newLocal(c.Eligibility), Fees: newLocal(c.Fees), Duration: newLocal(c.Duration), OfficeHours: newLocal(c.OfficeHours),
		Documents: []localTextJSON{}, Steps: []localTextJSON{}, Channels: []string{}, URL: c.URL, CaseTypeID: c.CaseTypeID}
	for _, d := range c.Documents {
		v.Documents = append(v.Documents, newLocal(d))
	}
	for _, st := range c.Steps {
		v.Steps = append(v.Steps, newLocal(st))
	}
	for _, ch := range c.Channels {
		v.Channels = append(v.Channels, string(ch))
	}
	return v
}

// newServiceView renders sv: its draft for an editor, else its published
// version (the caller has checked there is one).
func newServiceView(sv *jihat.Service, editor bool) serviceView {
	content := &sv.Draft
	if !editor && sv.Published != nil {
		content = sv.Published
	}
	v := serviceView{ID: sv.ID, EntityID: sv.EntityID, serviceContentView: newServiceContentView(content),
		Version: sv.Version, PublishedAt: rfc3339(sv.PublishedAt)}
	if editor {
		v.Status, v.UpdatedAt = sv.ServiceStatus(), rfc3339(sv.UpdatedAt)
	}
	return v
}
